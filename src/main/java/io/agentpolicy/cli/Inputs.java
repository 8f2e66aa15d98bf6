package io.agentpolicy.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.cli.ManifestChecker.Checked;
import io.agentpolicy.cli.ManifestChecker.CheckedInputs;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;

/**
 * The inputs render, decide and test work from, loaded and checked in one way: any error stops the command, as the
 * operator does not render from an invalid policy either.
 */
final class Inputs {
    private Inputs() {
    }

    /** The policies (and any other objects) in the paths; there must be at least one PermissionPolicy. */
    static CheckedInputs policies(List<Path> paths, PolicyEngine engine, Instant now) throws UsageException, InvalidManifestsException {
        CheckedInputs checked = checked(ManifestLoader.load(paths), engine, now);
        if (checked.policyDocuments() == 0) {
            throw new UsageException(describe(paths) + ": no PermissionPolicy found in " + checked.files().size()
                    + " YAML files");
        }
        return checked;
    }

    /** The one AgentSession in the file. */
    static Checked<AgentSession> session(Path file, PolicyEngine engine, Instant now) throws UsageException, InvalidManifestsException {
        List<Checked<AgentSession>> sessions = checked(ManifestLoader.loadFile(file), engine, now).sessions();
        if (sessions.size() != 1) {
            throw UsageException.about(file, "holds " + sessions.size() + " AgentSessions; give a file with exactly one");
        }
        return sessions.get(0);
    }

    /** The AgentSessionApprovals in the files; each file must hold at least one. */
    static List<AgentSessionApproval> approvals(List<Path> files, PolicyEngine engine, Instant now)
            throws UsageException, InvalidManifestsException {
        List<AgentSessionApproval> approvals = new ArrayList<>();
        for (Path file : files) {
            List<Checked<AgentSessionApproval>> inFile = checked(ManifestLoader.loadFile(file), engine, now).approvals();
            if (inFile.isEmpty()) {
                throw UsageException.about(file, "holds no AgentSessionApproval");
            }
            inFile.forEach(approval -> approvals.add(approval.object()));
        }
        return approvals;
    }

    /** The AgentIncidents in the files; each file must hold at least one, and each incident must be able to count. */
    static List<AgentIncident> incidents(List<Path> files, PolicyEngine engine, Instant now) throws UsageException, InvalidManifestsException {
        List<AgentIncident> incidents = new ArrayList<>();
        for (Path file : files) {
            List<Checked<AgentIncident>> inFile = checked(ManifestLoader.loadFile(file), engine, now).incidents();
            if (inFile.isEmpty()) {
                throw UsageException.about(file, "holds no AgentIncident");
            }
            inFile.forEach(incident -> incidents.add(incident.object()));
        }
        return incidents;
    }

    /** The one EngineerStanding in the file (as kubectl get engineerstanding NAME -o yaml prints it). */
    static EngineerStanding standing(Path file, PolicyEngine engine, Instant now) throws UsageException, InvalidManifestsException {
        List<Checked<EngineerStanding>> standings = checked(ManifestLoader.loadFile(file), engine, now).standings();
        if (standings.size() != 1) {
            throw UsageException.about(file, "holds " + standings.size() + " EngineerStandings; give a file with exactly one");
        }
        return standings.get(0).object();
    }

    /** The Namespaces in the file; there must be at least one. */
    static List<Checked<NamespaceInfo>> namespaces(Path file, PolicyEngine engine, Instant now) throws UsageException, InvalidManifestsException {
        List<Checked<NamespaceInfo>> namespaces = checked(ManifestLoader.loadFile(file), engine, now).namespaces();
        if (namespaces.isEmpty()) {
            throw UsageException.about(file, "holds no Namespace (apiVersion: v1, kind: Namespace)");
        }
        return namespaces;
    }

    private static CheckedInputs checked(ManifestLoader.Loaded loaded, PolicyEngine engine, Instant now) throws InvalidManifestsException {
        CheckedInputs checked = new ManifestChecker(engine, now).check(loaded);
        if (checked.hasErrors()) {
            throw new InvalidManifestsException(checked.diagnostics());
        }
        return checked;
    }

    private static String describe(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(", "));
    }
}
