package io.agentpolicy.engine;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * JavaScript's Number::toString for doubles (ECMA-262 §6.1.6.1.20): the shortest digits that read back as the same
 * double, nearest to the exact value, then plain or exponent notation by the same thresholds as JS.
 * Java 17's Double.toString is not always shortest and uses another layout, hence this class.
 */
final class JsNumber {
    private static final int MAX_SIGNIFICANT_DIGITS = 17;

    private JsNumber() {
    }

    static String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null"; // JSON.stringify writes non-finite numbers as null
        }
        if (value == 0) {
            return "0"; // also -0, as in JS
        }
        if (value < 0) {
            return "-" + format(-value);
        }
        BigDecimal shortest = shortestRoundTrip(value).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int exponent = digits.length() - shortest.scale(); // value = 0.digits × 10^exponent
        return layout(digits, exponent);
    }

    private static BigDecimal shortestRoundTrip(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision < MAX_SIGNIFICANT_DIGITS; precision++) {
            BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            // Next to a power of two the round-trip interval is lopsided, so a neighbour may read back when the nearest does not.
            BigDecimal step = nearest.ulp();
            BigDecimal best = null;
            for (BigDecimal candidate : new BigDecimal[] { nearest, nearest.subtract(step), nearest.add(step) }) {
                if (candidate.signum() > 0 && candidate.doubleValue() == value
                        && (best == null || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return exact.round(new MathContext(MAX_SIGNIFICANT_DIGITS, RoundingMode.HALF_EVEN));
    }

    private static String layout(String digits, int exponent) {
        int k = digits.length();
        if (k <= exponent && exponent <= 21) {
            return digits + "0".repeat(exponent - k);
        }
        if (0 < exponent && exponent <= 21) {
            return digits.substring(0, exponent) + "." + digits.substring(exponent);
        }
        if (-6 < exponent && exponent <= 0) {
            return "0." + "0".repeat(-exponent) + digits;
        }
        int e = exponent - 1;
        String mantissa = k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return mantissa + "e" + (e < 0 ? "-" : "+") + Math.abs(e);
    }
}
