package io.logstokengateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.eventloop.EventLoops;
import io.logstokengateway.limits.BoundedWorkers;
import io.logstokengateway.registry.ClusterNode;
import io.logstokengateway.registry.CredentialResolver;
import io.logstokengateway.registry.ResolvedCredential;
import io.logstokengateway.registry.Revocation;
import io.logstokengateway.registry.ServiceRecord;
import io.logstokengateway.scope.ServiceScope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's one front door for credentials: turns an {@code Authorization} header into a {@link Caller} for the
 * proxy listeners, the token and admin APIs and the console alike, with one cache of accepted credentials, one of
 * refused ones (both keyed by a digest of the header, never the header) and one revocation listener.
 * <ul>
 * <li>Known credentials are answered from memory; a header longer than {@code limits.max-credential-length} is
 * refused without a look.</li>
 * <li>A miss asks the registry once per distinct header at a time, on threads of its own kind: token lookups on one
 * bounded pool, account password checks (Argon2id, slow on purpose) on another, so cached tokens never wait behind
 * password checks, nor token lookups behind a flood of guesses. A full pool refuses at once (429 for password checks,
 * 503 for token lookups) rather than queueing without end.</li>
 * <li>Refused credentials are remembered for a while so garbage cannot hammer the database.</li>
 * <li>Account passwords go through the {@link GuessThrottle} before they are checked (tokens do not: 256 random
 * bits are not guessed).</li>
 * </ul>
 */
@ApplicationScoped
public class Authenticator {

    private final CredentialResolver resolver;
    private final ClusterNode node;
    private final TokenUsage usage;
    private final GuessThrottle throttle;
    private final Vertx vertx;
    private final Cache<CredentialKey, Caller> accepted;
    private final Cache<CredentialKey, Boolean> refused;
    private final ConcurrentHashMap<CredentialKey, Future<Caller>> inFlight = new ConcurrentHashMap<>();
    private final int maxCredentialLength;
    private final BoundedWorkers tokenLookups;
    private final BoundedWorkers passwordChecks;
    /** Bumped by every revocation, so a lookup that raced one is answered but not remembered. */
    private final AtomicLong revocationGeneration = new AtomicLong();
    private final Counter acceptedFromCache;
    private final Counter acceptedFromRegistry;
    private final Counter refusedCount;

    public Authenticator(CredentialResolver resolver, ClusterNode node, TokenUsage usage, GuessThrottle throttle, Vertx vertx,
                         MeterRegistry meters, GatewayConfig config) {
        // Called on every request: taken out of their CDI client proxies once, rather than looked up on each call.
        this.node = ClientProxy.unwrap(node);
        this.throttle = ClientProxy.unwrap(throttle);
        GatewayConfig.AuthCache settings = config.auth();
        this.resolver = resolver;
        this.usage = ClientProxy.unwrap(usage);
        this.vertx = vertx;
        this.accepted = Caffeine.newBuilder().maximumSize(settings.cacheSize()).expireAfterWrite(settings.cacheTtl()).recordStats().build();
        this.refused = Caffeine.newBuilder().maximumSize(settings.negativeCacheSize()).expireAfterWrite(settings.negativeCacheTtl()).recordStats().build();
        GatewayConfig.Limits limits = config.limits();
        this.maxCredentialLength = limits.maxCredentialLength();
        this.tokenLookups = new BoundedWorkers(vertx, "gateway-token-lookups", limits.tokenLookups(), limits.tokenLookupQueue(),
                "token-lookup-queue", 503);
        this.passwordChecks = new BoundedWorkers(vertx, "gateway-password-checks", limits.passwordChecks(),
                limits.passwordCheckQueue(), "password-check-queue", 429);
        CaffeineCacheMetrics.monitor(meters, accepted, "gateway.credentials.accepted");
        CaffeineCacheMetrics.monitor(meters, refused, "gateway.credentials.refused");
        this.acceptedFromCache = meters.counter("gateway.auth", "outcome", "accepted", "source", "cache");
        this.acceptedFromRegistry = meters.counter("gateway.auth", "outcome", "accepted", "source", "registry");
        this.refusedCount = meters.counter("gateway.auth", "outcome", "refused", "source", "any");
    }

    /**
     * Call on a Vert.x context; the future completes on it. Fails with {@link Unauthenticated} when refused, and with
     * {@link Throttled} when account credentials come from a client or for a username with too many failed checks.
     * {@code listener} and {@code client} (its address) name the attempt for the throttle.
     */
    public Future<Caller> authenticate(String authorization, String listener, String client) {
        if (authorization == null || authorization.length() > maxCredentialLength) {
            return refuse(null); // not remembered either: a long header costs nothing but its own request
        }
        if (!node.upToDate()) {
            // Revocations made on other nodes may have been missed: trust nothing cached, ask the registry.
            accepted.invalidateAll();
        }
        CredentialKey key = CredentialKey.of(authorization);
        Caller known = accepted.getIfPresent(key);
        if (known != null) {
            if (!known.expiredAt(Instant.now())) {
                // An account answered without a check: a throttled client must still not tell a right guess from a wrong one.
                Optional<Duration> wait = known.viaToken() ? Optional.empty() : throttle.check(listener, client, known.username());
                if (wait.isPresent()) {
                    return Future.failedFuture(new Throttled(known.username(), wait.get()));
                }
                acceptedFromCache.increment();
                noteUse(known);
                return Future.succeededFuture(known);
            }
            accepted.invalidate(key);
        }
        boolean knownBad = refused.getIfPresent(key) != null;
        Optional<Credentials> credentials = Credentials.parse(authorization);
        String username = credentials.orElse(null) instanceof Credentials.Account account ? account.username() : null;
        if (knownBad) {
            Optional<Duration> wait = username == null ? Optional.empty() : throttle.check(listener, client, username);
            return wait.isPresent() ? Future.failedFuture(new Throttled(username, wait.get())) : refuse(username);
        }
        if (credentials.isEmpty()) {
            refused.put(key, Boolean.TRUE);
            return refuse(null);
        }
        if (username != null) {
            // Known throttled (from memory): refused before taking a place in the pool or joining another's check.
            Optional<Duration> wait = throttle.check(listener, client, username);
            if (wait.isPresent()) {
                return Future.failedFuture(new Throttled(username, wait.get()));
            }
        }
        Future<Caller> pending = inFlight.get(key);
        if (pending != null) {
            return EventLoops.onThisContext(pending); // the same credentials are being looked up already
        }
        Promise<Caller> lookup = Promise.promise();
        pending = inFlight.putIfAbsent(key, lookup.future());
        if (pending != null) {
            return EventLoops.onThisContext(pending); // another event loop started the same lookup meanwhile
        }
        lookUp(key, credentials.get(), listener, client).onComplete(done -> {
            inFlight.remove(key);
            lookup.handle(done);
        });
        return lookup.future();
    }

    /** Blocking callers (the management API and the console, on worker threads): the same door, waited for. */
    public Caller authenticateAndWait(String authorization, String listener, String client) {
        try {
            return authenticate(authorization, listener, client).toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private Future<Caller> lookUp(CredentialKey key, Credentials credentials, String listener, String client) {
        String username = credentials instanceof Credentials.Account account ? account.username() : null;
        long generation = revocationGeneration.get();
        return (username == null ? tokenLookups.submit(() -> resolve(credentials))
                : passwordChecks.submit(() -> checkPassword(credentials, listener, client, username)))
                .compose(resolved -> {
                    if (resolved.isEmpty()) {
                        refused.put(key, Boolean.TRUE);
                        return refuse(username);
                    }
                    Caller caller = toCaller(resolved.get());
                    if (caller.expiredAt(Instant.now())) {
                        return refuse(username);
                    }
                    if (generation == revocationGeneration.get()) {
                        accepted.put(key, caller);
                    }
                    acceptedFromRegistry.increment();
                    noteUse(caller);
                    return Future.succeededFuture(caller);
                });
    }

    private void noteUse(Caller caller) {
        if (caller.viaToken()) {
            usage.used(caller.tokenId(), System.currentTimeMillis());
        }
    }

    /**
     * Account credentials: charged to the throttle before the check, so that parallel guesses cannot all be checked
     * (on this worker thread, as the charge may be a database update shared by every node); given back when right,
     * or when the check could not be made.
     */
    private Optional<ResolvedCredential> checkPassword(Credentials credentials, String listener, String client, String username) {
        Optional<Duration> wait = throttle.admit(listener, client, username);
        if (wait.isPresent()) {
            throw new Throttled(username, wait.get());
        }
        Optional<ResolvedCredential> resolved;
        try {
            resolved = resolve(credentials);
        } catch (RuntimeException notChecked) {
            throttle.refund(client, username);
            throw notChecked;
        }
        if (resolved.isPresent()) {
            throttle.refund(client, username);
        }
        return resolved;
    }

    private Optional<ResolvedCredential> resolve(Credentials credentials) {
        if (credentials instanceof Credentials.Token token) {
            return resolver.resolveToken(token.value());
        }
        Credentials.Account account = (Credentials.Account) credentials;
        return resolver.resolveAccount(account.username(), account.password());
    }

    private static Caller toCaller(ResolvedCredential resolved) {
        ServiceRecord service = resolved.service();
        return new Caller(service.serviceName(), service.username(), resolved.tokenId(), resolved.expiresAt(), resolved.upstream(),
                new ServiceScope(service.readPatterns(), service.writePatterns()));
    }

    private <T> Future<T> refuse(String username) {
        refusedCount.increment();
        return Future.failedFuture(username == null ? Unauthenticated.INSTANCE : new Unauthenticated(username));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        tokenLookups.close();
        passwordChecks.close();
    }

    void forget(@Observes Revocation revocation) {
        revocationGeneration.incrementAndGet();
        switch (revocation.kind()) {
            case TOKEN -> accepted.asMap().values().removeIf(c -> revocation.tokenId().equals(c.tokenId()));
            case SERVICE -> {
                accepted.asMap().values().removeIf(c -> revocation.serviceName().equals(c.serviceName()));
                refused.invalidateAll(); // a new password may now be right
            }
        }
    }

    /**
     * Refusal, always answered the same whatever the reason (no oracle). It names the username presented with
     * account credentials, for the audit trail; {@code null} for tokens and malformed headers.
     */
    public static final class Unauthenticated extends GatewayError {
        static final Unauthenticated INSTANCE = new Unauthenticated(null);

        private final String username;

        private Unauthenticated(String username) {
            super(Kind.UNAUTHENTICATED, "Authentication required");
            this.username = username;
        }

        public String username() {
            return username;
        }
    }

    /**
     * Credentials refused without a check: too many failed checks from this client or for this username (see
     * {@link GuessThrottle}). {@code username} is the one presented, for the audit trail; {@code null} for a key.
     */
    public static final class Throttled extends GatewayError {
        private final String username;
        private final Duration wait;

        public Throttled(String username, Duration wait) {
            super(Kind.LIMITED, "Too many failed authentication attempts: try again in " + GuessThrottle.retryAfterSeconds(wait) + " seconds");
            this.username = username;
            this.wait = wait;
        }

        @Override
        public Optional<Long> retryAfterSeconds() {
            return Optional.of(GuessThrottle.retryAfterSeconds(wait));
        }

        public String username() {
            return username;
        }

        /** How long the client should wait before the next attempt. */
        public Duration retryAfter() {
            return wait;
        }
    }
}
