package io.agentpolicy.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

/**
 * The PNG chart of BENCHMARKS.md: cold convergence time against N for the operator and for the API server's two
 * ceilings (the maps alone, the operator's whole write set), drawn with Java2D (headless), so the benchmark needs
 * nothing beyond the JDK.
 */
final class Chart {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 460;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private record Series(String name, Color color, ToDoubleFunction<Results.Size> seconds) {
    }

    private static final List<Series> SERIES = List.of(
            new Series("operator, from process start", new Color(0xC0392B), s -> s.convergence().fromStartSeconds()),
            new Series("operator, from first reconcile", new Color(0xE67E22), s -> s.convergence().fromFirstReconcileSeconds()),
            new Series("same-writes ceiling: all the operator's writes, plain client", new Color(0x1E8449),
                    s -> s.sameWritesCeiling().seconds()),
            new Series("ceiling: the same 2N maps, plain SSA client", new Color(0x2471A3), s -> s.ceiling().seconds()));

    private Chart() {
    }

    static void draw(List<Results.Size> sizes, String title, Path png) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 28);

        double maxSeconds = sizes.stream().flatMapToDouble(s -> SERIES.stream().mapToDouble(series -> series.seconds().applyAsDouble(s)))
                .max().orElse(1) * 1.15;
        double step = niceStep(maxSeconds / 5);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double y = 0; y <= maxSeconds; y += step) {
            int py = yOf(y, maxSeconds);
            g.setColor(new Color(0xE5E5E5));
            g.drawLine(LEFT, py, WIDTH - RIGHT, py);
            g.setColor(Color.DARK_GRAY);
            String label = step < 1 ? String.format("%.1f", y) : String.format("%.0f", y);
            g.drawString(label, LEFT - 10 - g.getFontMetrics().stringWidth(label), py + 4);
        }
        for (Results.Size size : sizes) {
            int px = xOf(size.size(), sizes);
            String label = String.format("%,d", size.size());
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
        }
        g.drawString("namespaces N (each with one AgentSession and one Pod): 2N maps; log scale", LEFT, HEIGHT - BOTTOM + 40);
        g.rotate(-Math.PI / 2);
        g.drawString("seconds to converge", -(TOP + (HEIGHT - TOP - BOTTOM) / 2 + 55), 22);
        g.rotate(Math.PI / 2);
        g.setColor(Color.GRAY);
        g.drawLine(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
        g.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);

        g.setStroke(new BasicStroke(2.2f));
        for (Series series : SERIES) {
            g.setColor(series.color());
            for (int i = 1; i < sizes.size(); i++) {
                g.drawLine(xOf(sizes.get(i - 1).size(), sizes), yOf(series.seconds().applyAsDouble(sizes.get(i - 1)), maxSeconds),
                        xOf(sizes.get(i).size(), sizes), yOf(series.seconds().applyAsDouble(sizes.get(i)), maxSeconds));
            }
        }
        // Points, values and legend after all the lines, so no line runs through a value.
        for (int i = 0; i < SERIES.size(); i++) {
            Series series = SERIES.get(i);
            for (Results.Size size : sizes) {
                double seconds = series.seconds().applyAsDouble(size);
                int px = xOf(size.size(), sizes);
                int py = yOf(seconds, maxSeconds);
                g.setColor(series.color());
                g.fillOval(px - 4, py - 4, 8, 8);
                label(g, String.format("%.1f s", seconds), px + 7, py - 6, series.color());
            }
            int legendY = TOP + 6 + i * 18;
            g.setColor(series.color());
            g.fillRect(LEFT + 14, legendY - 9, 18, 4);
            g.setColor(Color.BLACK);
            g.drawString(series.name(), LEFT + 38, legendY - 3);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    /** A value next to its point, on white so the lines do not run through it. */
    private static void label(Graphics2D g, String text, int x, int y, Color color) {
        int width = g.getFontMetrics().stringWidth(text);
        g.setColor(Color.WHITE);
        g.fillRect(x - 2, y - g.getFontMetrics().getAscent(), width + 4, g.getFontMetrics().getHeight());
        g.setColor(color);
        g.drawString(text, x, y);
    }

    /** N on a logarithmic axis (sizes grow tenfold), one size alone in the middle. */
    private static int xOf(int n, List<Results.Size> sizes) {
        double min = Math.log10(sizes.get(0).size());
        double max = Math.log10(sizes.get(sizes.size() - 1).size());
        double plot = WIDTH - LEFT - RIGHT - 120;
        return max == min ? LEFT + (WIDTH - LEFT - RIGHT) / 2 : (int) (LEFT + 60 + (Math.log10(n) - min) / (max - min) * plot);
    }

    private static int yOf(double seconds, double maxSeconds) {
        return (int) (HEIGHT - BOTTOM - seconds / maxSeconds * (HEIGHT - TOP - BOTTOM));
    }

    /** 1, 2 or 5 times a power of ten. */
    private static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    }
}
