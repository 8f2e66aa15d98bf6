package io.agentpolicy.operator.admission;

import java.util.List;

/**
 * The Kubernetes controllers admission lets through by name, each for what it is known to do, instead of every
 * identity in kube-system (an add-on there may run with any rights). kube-controller-manager acts under these
 * ServiceAccounts with --use-service-account-credentials (kubeadm's default), else as itself.
 */
final class KubernetesControllers {
    private static final String KUBE_SYSTEM = "system:serviceaccount:kube-system:";
    private static final String CONTROLLER_MANAGER = "system:kube-controller-manager";

    /** They create pods and ReplicaSets and Jobs from templates, which admission has already checked. */
    static final List<String> WORKLOADS = List.of(KUBE_SYSTEM + "replicaset-controller", KUBE_SYSTEM + "daemon-set-controller",
            KUBE_SYSTEM + "statefulset-controller", KUBE_SYSTEM + "job-controller", KUBE_SYSTEM + "deployment-controller",
            KUBE_SYSTEM + "cronjob-controller", CONTROLLER_MANAGER);

    /** They delete a rendered map with its namespace or its last owner. */
    static final List<String> CLEANUP = List.of(KUBE_SYSTEM + "generic-garbage-collector", KUBE_SYSTEM + "namespace-controller",
            CONTROLLER_MANAGER);

    private KubernetesControllers() {
    }
}
