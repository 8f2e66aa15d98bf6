package io.agentpolicy.operator.cache;

import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

import com.github.benmanes.caffeine.cache.Caffeine;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * One instance of each version of an object that several informers cache alike: each controller has its own
 * informers, so five of them hold every namespace and three every AgentSession, each its own copy. Keyed by uid and
 * resourceVersion (the content of a version never changes); an entry lives as long as some cache holds the object.
 * Sharing is safe because cached objects are only read: JOSDK hands a reconciler a copy of its primary resource, and
 * the operator writes through patches it builds.
 *
 * @param <R> the kind, all made lean by the same transformation
 */
final class SharedVersions<R extends HasMetadata> implements UnaryOperator<R> {
    private final UnaryOperator<R> lean;
    private final ConcurrentMap<String, R> byVersion = Caffeine.newBuilder().weakValues().<String, R>build().asMap();

    /** @param lean the transformation every cache of the kind applies, before the lean object is shared */
    SharedVersions(UnaryOperator<R> lean) {
        this.lean = lean;
    }

    @Override
    public R apply(R resource) {
        R leaned = lean.apply(resource);
        ObjectMeta metadata = leaned.getMetadata();
        if (metadata.getUid() == null || metadata.getResourceVersion() == null) {
            return leaned;
        }
        R known = byVersion.putIfAbsent(metadata.getUid() + '@' + metadata.getResourceVersion(), leaned);
        return known == null ? leaned : known;
    }
}
