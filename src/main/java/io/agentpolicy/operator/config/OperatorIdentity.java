package io.agentpolicy.operator.config;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The user name the operator acts as (e.g. system:serviceaccount:agent-policy-system:agent-policy-operator),
 * learnt from a SelfSubjectReview, so admission can tell the operator's own writes from everyone else's.
 */
@ApplicationScoped
public class OperatorIdentity {
    private static final Logger LOG = Logger.getLogger(OperatorIdentity.class);

    @Inject
    KubernetesClient client;

    private volatile String username;

    /** Empty when the API server would not say (tamper protection is then not generated). */
    public Optional<String> username() {
        if (username == null) {
            try {
                username = client.authentication().v1().selfSubjectReviews().create(new SelfSubjectReview())
                        .getStatus().getUserInfo().getUsername();
                LOG.infof("the operator acts as %s", username);
            } catch (KubernetesClientException e) {
                LOG.errorf("could not learn the operator's own user name (SelfSubjectReview): %s", e.getMessage());
            }
        }
        return Optional.ofNullable(username);
    }
}
