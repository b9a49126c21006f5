package io.logstokengateway.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.crypto.SecretBox;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.error.GatewayError.Kind;
import io.logstokengateway.registry.OperationRecord.OperationState;
import io.logstokengateway.registry.ServiceRecord.ServiceState;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of the registry ({@link Services}, {@link Tokens}, {@link Operations}, {@link CredentialResolver}), run against each registry database the gateway supports: a subclass is a
 * {@code @QuarkusTest} whose profile selects the database. Rows are inspected with plain SQL through {@link Jdbc}, so
 * the checks read what the active database really holds.
 */
public abstract class RegistryContract {

    static final String PASSWORD = "correct-horse-battery";
    /** Every secret these tests handle; none may reach the log. */
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    /** Where the %test profile logs, with the files rotated away at each start of the application. */
    private static final Path LOG_DIR = Path.of("target");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String RUN = Long.toString(System.nanoTime() % 100_000, 36);

    @Inject
    Services services;

    @Inject
    Tokens tokens;

    @Inject
    Operations operations;

    @Inject
    CredentialResolver credentials;

    @Inject
    ClusterNode node;

    @Inject
    Jdbc jdbc;

    @Inject
    SecretBox secretBox;

    @Inject
    GatewayConfig config;

    @Inject
    ObjectMapper mapper;

    @Inject
    AttemptLedgerStore attempts;

    @Inject
    ConsoleSessionStore consoleSessions;

    // ---- what nodes share so that any of them serves any request ----------------------------------------------

    @Test
    void parallelChargesNeverSpendMoreThanTheAllowance() throws Exception {
        String key = "address:contract-" + RUN + "-" + SEQUENCE.incrementAndGet();
        long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        long second = 1_000_000;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Boolean>> charges = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                charges.add(pool.submit(() -> attempts.charge(key, second, 10 * second, now).charged()));
            }
            int charged = 0;
            for (java.util.concurrent.Future<Boolean> charge : charges) {
                charged += charge.get() ? 1 : 0;
            }
            assertEquals(10, charged, "an allowance of ten attempts admits ten of forty made at once");
        } finally {
            pool.shutdown();
        }
        attempts.refund(key, second);
        assertTrue(attempts.charge(key, second, 10 * second, now).charged(), "a refund gives a place back");
        assertFalse(attempts.charge(key, second, 10 * second, now).charged());
        assertTrue(attempts.charge(key, second, 10 * second, now + second).charged(), "time pays the debt back");
    }

    @Test
    void passwordChangeEndsTheServicesConsoleSessionsOpenedBeforeItButNotTheOperators() {
        ServiceRecord service = newService();
        Duration idle = Duration.ofMinutes(30);
        Duration maxAge = Duration.ofHours(12);
        String account = sha256Hex("account-" + unique());
        String operator = sha256Hex("operator-" + unique());
        consoleSessions.open(account, false, service.serviceName(), "csrf-a", idle, maxAge);
        consoleSessions.open(operator, true, null, "csrf-o", idle, maxAge);

        services.changePassword(service.serviceName(), "brand-new-password-2");
        String after = sha256Hex("after-" + unique());
        consoleSessions.open(after, false, service.serviceName(), "csrf-n", idle, maxAge);
        services.changePassword(newService().serviceName(), "brand-new-password-3"); // another service's: no effect here

        assertTrue(consoleSessions.touch(account, idle, maxAge).isEmpty(), "the account's session ended with its password");
        assertTrue(consoleSessions.touch(operator, idle, maxAge).isPresent(), "the operator's session stays");
        assertTrue(consoleSessions.touch(after, idle, maxAge).isPresent(), "a session opened after the change stays");
    }

    @Test
    void consoleSessionIsFoundByItsKeyUntilClosedAndItsOneShotMessagesAreReadOnce() {
        String key = sha256Hex("session-" + RUN + "-" + SEQUENCE.incrementAndGet());
        Duration idle = Duration.ofMinutes(30);
        Duration maxAge = Duration.ofHours(12);
        consoleSessions.open(key, false, "ldp-session", "csrf-value", idle, maxAge);

        ConsoleSessionStore.Stored stored = consoleSessions.touch(key, idle, maxAge).orElseThrow();
        assertEquals(new ConsoleSessionStore.Stored(false, "ldp-session", "csrf-value"), stored);
        consoleSessions.put(key, ConsoleSessionStore.OneShot.NOTICE, "deleted");
        assertEquals(java.util.Optional.of("deleted"), consoleSessions.take(key, ConsoleSessionStore.OneShot.NOTICE));
        assertEquals(java.util.Optional.empty(), consoleSessions.take(key, ConsoleSessionStore.OneShot.NOTICE));

        assertTrue(consoleSessions.touch(key, Duration.ZERO.minusSeconds(1), maxAge).isEmpty(), "idle too long: gone");
        assertTrue(consoleSessions.touch(key, idle, maxAge).isEmpty(), "and deleted");
        consoleSessions.open(key, true, null, "csrf-value", idle, maxAge);
        consoleSessions.close(key);
        assertTrue(consoleSessions.touch(key, idle, maxAge).isEmpty(), "signed out");
    }

    // ---- services -------------------------------------------------------------------------------------------

    @Test
    void createdServiceIsReadBackWithDefaultsAndAHashedPassword() {
        ServiceRecord created = newService();

        ServiceRecord read = services.service(created.serviceName()).orElseThrow();
        assertEquals(created, read);
        assertEquals(ServiceState.ENABLED, read.state());
        assertEquals(List.of(read.username() + "-a-*", read.username() + "-i-*"), read.readPatterns());
        assertEquals(List.of(read.username() + "-i-*"), read.writePatterns());
        assertTrue(read.passwordHash().startsWith("$argon2id$"), "the account password is stored as an Argon2id hash");
        assertFalse(read.passwordHash().contains(PASSWORD));
    }

    @Test
    void unknownServiceIsEmpty() {
        assertTrue(services.service("no-such-service-" + UUID.randomUUID()).isEmpty());
    }

    @Test
    void servicesAreListedByName() {
        ServiceRecord b = newService("list-b-" + RUN);
        ServiceRecord a = newService("list-a-" + RUN);

        List<String> names = services.services().stream().map(ServiceRecord::serviceName).toList();
        assertTrue(names.indexOf(a.serviceName()) >= 0 && names.indexOf(a.serviceName()) < names.indexOf(b.serviceName()), names.toString());
        assertEquals(names.stream().sorted().toList(), names);
    }

    @Test
    void creatingAnExistingServiceIsAConflict() {
        ServiceRecord existing = newService();
        assertRefused(Kind.CONFLICT, () -> services.createService(spec(existing.serviceName(), "other-" + unique())));
        assertEquals(existing, services.service(existing.serviceName()).orElseThrow());
    }

    @Test
    void reusingAnotherServicesUsernameIsAConflict() {
        ServiceRecord existing = newService();
        String name = "svc-" + unique();
        assertRefused(Kind.CONFLICT, () -> services.createService(spec(name, existing.username())));
        assertTrue(services.service(name).isEmpty(), "nothing is stored for a refused service");
    }

    @Test
    void invalidServiceNamesAreBadRequests() {
        List<String> invalid = new ArrayList<>(List.of("", "-starts-with-dash", ".dot", "has space", "slash/name", "semi;colon",
                "quote'name", "é-accent", "x".repeat(65)));
        invalid.add(null);
        for (String name : invalid) {
            assertRefused(Kind.INVALID, () -> services.createService(spec(name, "user-" + unique())));
        }
        assertTrue(services.services().stream().noneMatch(s -> s.serviceName().contains(" ")));
    }

    @Test
    void invalidUsernamesAreBadRequests() {
        List<String> invalid = new ArrayList<>(List.of("", "_underscore-first", "has:colon", "has space", "x".repeat(65)));
        invalid.add(null);
        for (String username : invalid) {
            assertRefused(Kind.INVALID, () -> services.createService(spec("svc-" + unique(), username)));
        }
    }

    @Test
    void usernameTokenIsRefusedInAnyCase() {
        for (String username : List.of("token", "Token", "TOKEN")) {
            assertRefused(Kind.INVALID, () -> services.createService(spec("svc-" + unique(), username)));
        }
    }

    @Test
    void longestValidNamesAreAccepted() {
        String suffix = unique();
        String name = (suffix + "n".repeat(64)).substring(0, 64);
        String username = (suffix + "u".repeat(64)).substring(0, 64);
        services.createService(spec(name, username));
        assertEquals(username, services.service(name).orElseThrow().username());
    }

    @Test
    void shortPasswordIsABadRequest() {
        String name = "svc-" + unique();
        assertRefused(Kind.INVALID, () -> services.createService(new ServiceSpec(name, "user-" + unique(), "short-11ch",
                null, null, null, null, null, null, null, null, null)));
        assertTrue(services.service(name).isEmpty());
    }

    @Test
    void invalidIndexPatternsAreBadRequests() {
        List<List<String>> invalid = new ArrayList<>(List.of(List.of(), List.of("a,b"), List.of("logs *"), List.of("lo\"gs"),
                List.of("logs/x"), List.of("logs\\x"), List.of(""), List.of("x".repeat(256)), List.of("ok-*", "bad pattern")));
        List<String> withNull = new ArrayList<>();
        withNull.add(null);
        invalid.add(withNull);
        for (List<String> patterns : invalid) {
            assertRefused(Kind.INVALID, () -> services.createService(new ServiceSpec("svc-" + unique(), "user-" + unique(),
                    null, null, null, null, null, patterns, null, null, null, null)));
            assertRefused(Kind.INVALID, () -> services.createService(new ServiceSpec("svc-" + unique(), "user-" + unique(),
                    null, null, null, null, null, null, patterns, null, null, null)));
        }
    }

    @Test
    void givenIndexPatternsAreStoredInOrder() {
        String name = "svc-" + unique();
        List<String> read = List.of("logs-x-*", "shared-alias", "metrics-%{+yyyy}*");
        List<String> write = List.of("logs-x-i-app");
        services.createService(new ServiceSpec(name, "user-" + unique(), null, null, null, null, null, read, write, null, null, null));

        ServiceRecord stored = services.service(name).orElseThrow();
        assertEquals(read, stored.readPatterns());
        assertEquals(write, stored.writePatterns());
    }

    @Test
    void updateChangesOnlyTheGivenFieldsAndKeepsCreatedAt() {
        ServiceRecord created = newService();
        ServiceRecord updated = services.updateService(created.serviceName(), new ServiceSpec(null, null, null, "New display name",
                ServiceState.DISABLED, "es-user", "es-secret-value", List.of("p-*"), null, null, null, null));

        ServiceRecord read = services.service(created.serviceName()).orElseThrow();
        assertEquals(updated, read);
        assertEquals("New display name", read.displayName());
        assertEquals(ServiceState.DISABLED, read.state());
        assertEquals("es-user", read.elasticsearchUsername());
        assertNotEquals("es-secret-value", read.elasticsearchPasswordSealed());
        assertEquals("es-secret-value", secretBox.decrypt(read.elasticsearchPasswordSealed(), "service:" + read.serviceName()));
        assertEquals(List.of("p-*"), read.readPatterns());
        assertEquals(created.writePatterns(), read.writePatterns());
        assertEquals(created.passwordHash(), read.passwordHash());
        assertEquals(created.createdAt(), read.createdAt());
        assertFalse(read.updatedAt().isBefore(created.updatedAt()));
    }

    @Test
    void updateCannotRenameTheServiceOrItsUsername() {
        ServiceRecord created = newService();
        assertRefused(Kind.INVALID, () -> services.updateService(created.serviceName(),
                spec(created.serviceName() + "-renamed", null)));
        assertRefused(Kind.INVALID, () -> services.updateService(created.serviceName(),
                spec(null, created.username() + "-renamed")));
        assertEquals(created, services.service(created.serviceName()).orElseThrow());
    }

    @Test
    void updateValidatesPatterns() {
        ServiceRecord created = newService();
        assertRefused(Kind.INVALID, () -> services.updateService(created.serviceName(),
                new ServiceSpec(null, null, null, null, null, null, null, List.of("a,b"), null, null, null, null)));
        assertEquals(created.readPatterns(), services.service(created.serviceName()).orElseThrow().readPatterns());
    }

    @Test
    void updatingOrDeletingAnUnknownServiceIsNotFound() {
        String name = "missing-" + unique();
        assertRefused(Kind.NOT_FOUND, () -> services.updateService(name, spec(null, null)));
        assertRefused(Kind.NOT_FOUND, () -> services.deleteService(name));
    }

    @Test
    void deletedServiceIsGone() {
        ServiceRecord created = newService();
        services.deleteService(created.serviceName());

        assertTrue(services.service(created.serviceName()).isEmpty());
        assertTrue(services.services().stream().noneMatch(s -> s.serviceName().equals(created.serviceName())));
        assertTrue(credentials.resolveAccount(created.username(), PASSWORD).isEmpty());
    }

    // ---- tokens ---------------------------------------------------------------------------------------------

    @Test
    void createdTokenHasA52CharacterValueThatResolvesToItsService() {
        ServiceRecord service = newService();
        OperationRecord operation = tokens.createToken(service.serviceName(), "grafana", "cluster-1", null);

        assertEquals(OperationState.SUCCESS, operation.state());
        assertEquals("createToken", operation.action());
        assertEquals(service.serviceName(), operation.serviceName());
        assertNotNull(operation.tokenId());
        assertEquals(operation.tokenId(), UUID.fromString(operation.tokenId()).toString());

        TokenView view = tokens.token(service.serviceName(), operation.tokenId());
        SECRETS.add(view.value());
        assertEquals(52, view.value().length());
        assertTrue(view.value().matches("[a-z2-7]{52}"), "base32 lowercase");
        assertEquals("grafana", view.token().name());
        assertEquals("cluster-1", view.token().clusterId());
        assertNull(view.token().expiresAt());
        assertNull(view.token().lastUsedAt());
        assertEquals(operation.tokenId(), credentials.resolveToken(view.value()).orElseThrow().tokenId());
    }

    @Test
    void tokenValuesDiffer() {
        ServiceRecord service = newService();
        String first = valueOf(service.serviceName(), newToken(service));
        String second = valueOf(service.serviceName(), newToken(service));
        assertNotEquals(first, second);
    }

    @Test
    void tokenRowHoldsNeitherTheValueNorAnUnkeyedHashOfIt() {
        ServiceRecord service = newService();
        String tokenId = newToken(service);
        String value = valueOf(service.serviceName(), tokenId);

        Map<String, String> row = tokenRow(tokenId);
        assertEquals(10, row.size(), "every column of the token table is checked: " + row.keySet());
        List<String> forms = List.of(value, value.toUpperCase(), Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)),
                sha256Hex(value), HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8)));
        row.forEach((column, stored) -> {
            if (stored != null) {
                for (String form : forms) {
                    assertFalse(stored.toLowerCase().contains(form.toLowerCase()), "column " + column + " reveals the token value");
                }
            }
        });
        assertNotEquals(sha256Hex(value), row.get("lookup_hash"), "the lookup hash is keyed");
        assertEquals(value, secretBox.decrypt(row.get("value_sealed"), "token:" + tokenId), "the sealed value decrypts back");
    }

    @Test
    void sealedValueDoesNotDecryptForAnotherToken() {
        ServiceRecord service = newService();
        String first = newToken(service);
        String second = newToken(service);
        String sealedFirst = tokenRow(first).get("value_sealed");
        assertThrows(IllegalStateException.class, () -> secretBox.decrypt(sealedFirst, "token:" + second));
    }

    @Test
    void tokensAreListedInCreationOrder() {
        ServiceRecord service = newService();
        String first = newToken(service);
        String second = newToken(service);
        String third = newToken(service);
        assertEquals(List.of(first, second, third), tokens.tokenIds(service.serviceName()));
        assertEquals(List.of(), tokens.tokenIds(newService().serviceName()));
    }

    @Test
    void anotherServicesTokenIsNotFound() {
        ServiceRecord owner = newService();
        ServiceRecord other = newService();
        String tokenId = newToken(owner);

        assertRefused(Kind.NOT_FOUND, () -> tokens.token(other.serviceName(), tokenId));
        assertRefused(Kind.NOT_FOUND, () -> tokens.deleteToken(other.serviceName(), tokenId));
        assertTrue(credentials.resolveToken(valueOf(owner.serviceName(), tokenId)).isPresent(), "still valid for its owner");
        assertFalse(tokens.tokenIds(other.serviceName()).contains(tokenId));
    }

    @Test
    void tokenOperationsOnAnUnknownServiceAreNotFound() {
        String name = "missing-" + unique();
        assertRefused(Kind.NOT_FOUND, () -> tokens.createToken(name, "t", null, null));
        assertRefused(Kind.NOT_FOUND, () -> tokens.tokenIds(name));
        assertRefused(Kind.NOT_FOUND, () -> tokens.token(name, UUID.randomUUID().toString()));
        assertRefused(Kind.NOT_FOUND, () -> tokens.deleteToken(name, UUID.randomUUID().toString()));
        assertRefused(Kind.NOT_FOUND, () -> operations.operationIds(name));
    }

    @Test
    void invalidTokenNamesAreBadRequests() {
        ServiceRecord service = newService();
        List<String> invalid = new ArrayList<>(List.of("", "   ", "x".repeat(129), "line\nbreak", "tab\there", "nul\0"));
        invalid.add(null);
        for (String name : invalid) {
            assertRefused(Kind.INVALID, () -> tokens.createToken(service.serviceName(), name, null, null));
        }
        assertEquals(List.of(), tokens.tokenIds(service.serviceName()));
    }

    @Test
    void printableNamesUpTo128CharactersAreAccepted() {
        ServiceRecord service = newService();
        for (String name : List.of("x".repeat(128), "Grafana (prod) – équipe ☃", "a")) {
            String tokenId = tokens.createToken(service.serviceName(), name, null, null).tokenId();
            assertEquals(name, tokens.token(service.serviceName(), tokenId).token().name());
        }
    }

    @Test
    void namesThatDoNotShowAsWhatTheyAreAreBadRequests() {
        ServiceRecord service = newService();
        List<String> invalid = List.of("invoice\u202Egpj.exe", "two\u2028lines", "two\u2029paragraphs", "next\u0085line",
                "zero\u200Bwidth", "bom\uFEFF", "private\uE000", "half\uD83D", "esc\u001B[0m");
        for (String name : invalid) {
            assertRefused(Kind.INVALID, () -> tokens.createToken(service.serviceName(), name, null, null));
            assertRefused(Kind.INVALID, () -> services.updateService(service.serviceName(), displayName(name)));
        }
        assertEquals(List.of(), tokens.tokenIds(service.serviceName()));
    }

    @Test
    void aNameIsMeasuredAsTheColumnMeasuresIt() {
        ServiceRecord service = newService();
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 code units: H2 counts it as two
        assertRefused(Kind.INVALID, () -> tokens.createToken(service.serviceName(), emoji.repeat(128), null, null));
        assertRefused(Kind.INVALID, () -> services.updateService(service.serviceName(), displayName(emoji.repeat(128))));
        String tokenId = tokens.createToken(service.serviceName(), emoji.repeat(64), null, null).tokenId();
        assertEquals(emoji.repeat(64), tokens.token(service.serviceName(), tokenId).token().name());
        assertEquals(emoji.repeat(64), services.updateService(service.serviceName(), displayName(emoji.repeat(64))).displayName());
    }

    @Test
    void upstreamCredentialsMustFitTheirColumns() {
        ServiceRecord service = newService();
        List<ServiceSpec> invalid = List.of(
                upstream("u".repeat(257), null, null, null),
                upstream("user:name", null, null, null),
                upstream("user\u2028", null, null, null),
                upstream(null, "p".repeat(513), null, null),
                upstream(null, "line\nbreak", null, null),
                upstream(null, null, "t".repeat(513), null),
                upstream(null, null, null, "g".repeat(513)));
        for (ServiceSpec spec : invalid) {
            assertRefused(Kind.INVALID, () -> services.updateService(service.serviceName(), spec));
        }
        ServiceRecord longest = services.updateService(service.serviceName(), upstream("u".repeat(256), "\u00e9".repeat(256), "t".repeat(512), "g".repeat(512)));
        assertEquals("u".repeat(256), longest.elasticsearchUsername());
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tooMany.add((char) ('a' + i) + "x".repeat(250));
        }
        assertRefused(Kind.INVALID, () -> services.updateService(service.serviceName(),
                new ServiceSpec(null, null, null, null, null, null, null, tooMany, null, null, null, null)));
    }

    @Test
    void identifiersNoRecordCanHaveAreNotFoundWithoutAsking() {
        ServiceRecord service = newService();
        String nul = "ldp-\u0000";
        assertTrue(services.service(nul).isEmpty());
        assertRefused(Kind.NOT_FOUND, () -> tokens.tokenIds(nul));
        assertRefused(Kind.NOT_FOUND, () -> tokens.createToken(nul, "t", null, null));
        assertRefused(Kind.NOT_FOUND, () -> tokens.token(service.serviceName(), "\u0000"));
        assertRefused(Kind.NOT_FOUND, () -> operations.operation(service.serviceName(), "not-an-id"));
        assertRefused(Kind.NOT_FOUND, () -> tokens.deleteToken(service.serviceName(), "../x"));
        assertTrue(credentials.resolveAccount("logs-\u0000", PASSWORD).isEmpty());
    }

    private static ServiceSpec displayName(String name) {
        return new ServiceSpec(null, null, null, name, null, null, null, null, null, null, null, null);
    }

    private static ServiceSpec upstream(String elasticsearchUsername, String elasticsearchPassword, String graylogToken, String graylogPassword) {
        return new ServiceSpec(null, null, null, null, null, elasticsearchUsername, elasticsearchPassword, null, null, null,
                graylogPassword, graylogToken);
    }

    @Test
    void invalidClusterIdIsABadRequest() {
        ServiceRecord service = newService();
        for (String clusterId : List.of("", "has space", "x".repeat(65))) {
            assertRefused(Kind.INVALID, () -> tokens.createToken(service.serviceName(), "t", clusterId, null));
        }
    }

    @Test
    void expiryInThePastIsABadRequest() {
        ServiceRecord service = newService();
        assertRefused(Kind.INVALID, () -> tokens.createToken(service.serviceName(), "t", null, Instant.now().minusSeconds(1)));
    }

    // ---- resolving credentials ------------------------------------------------------------------------------

    @Test
    void validTokenResolvesToItsServiceAndOpenedUpstreamSecrets() {
        String name = "svc-" + unique();
        services.createService(new ServiceSpec(name, "user-" + unique(), PASSWORD, null, null, "es-user", "es-secret-1",
                null, null, "gl-user", "gl-secret-2", "gl-token-3"));
        ServiceRecord service = services.service(name).orElseThrow();
        Instant expiresAt = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MICROS);
        String tokenId = tokens.createToken(name, "t", null, expiresAt).tokenId();

        ResolvedCredential resolved = credentials.resolveToken(valueOf(name, tokenId)).orElseThrow();
        assertEquals(service, resolved.service());
        assertEquals(tokenId, resolved.tokenId());
        assertEquals(expiresAt, resolved.expiresAt());
        assertEquals(new UpstreamSecrets("es-user", "es-secret-1", "gl-user", "gl-secret-2", "gl-token-3"), resolved.upstream());
    }

    @Test
    void unknownTokenDoesNotResolve() {
        assertTrue(credentials.resolveToken("a".repeat(52)).isEmpty());
        assertTrue(credentials.resolveToken("").isEmpty());
    }

    @Test
    void expiredTokenDoesNotResolve() {
        ServiceRecord service = newService();
        Instant expiresAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MICROS);
        String tokenId = tokens.createToken(service.serviceName(), "short-lived", null, expiresAt).tokenId();
        String value = valueOf(service.serviceName(), tokenId);
        assertTrue(credentials.resolveToken(value).isPresent(), "valid before its expiry");

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> Instant.now().isAfter(expiresAt));
        assertTrue(credentials.resolveToken(value).isEmpty(), "refused once expired");
        assertEquals(expiresAt, tokens.token(service.serviceName(), tokenId).token().expiresAt(), "still readable by its owner");
    }

    @Test
    void tokenOfADisabledServiceDoesNotResolveUntilReEnabled() {
        ServiceRecord service = newService();
        String value = valueOf(service.serviceName(), newToken(service));

        services.updateService(service.serviceName(), state(ServiceState.DISABLED));
        assertTrue(credentials.resolveToken(value).isEmpty());

        services.updateService(service.serviceName(), state(ServiceState.ENABLED));
        assertTrue(credentials.resolveToken(value).isPresent());
    }

    @Test
    void accountResolvesWithTheRightPasswordOnly() {
        ServiceRecord service = newService();

        ResolvedCredential resolved = credentials.resolveAccount(service.username(), PASSWORD).orElseThrow();
        assertEquals(service.serviceName(), resolved.service().serviceName());
        assertNull(resolved.tokenId());
        assertNull(resolved.expiresAt());
        assertTrue(credentials.resolveAccount(service.username(), PASSWORD + "x").isEmpty());
        assertTrue(credentials.resolveAccount(service.username(), PASSWORD.toUpperCase()).isEmpty());
        assertTrue(credentials.resolveAccount(service.username(), "").isEmpty());
        assertTrue(credentials.resolveAccount(service.username(), null).isEmpty());
    }

    @Test
    void unknownUsernameDoesNotResolve() {
        assertTrue(credentials.resolveAccount("nobody-" + unique(), PASSWORD).isEmpty());
    }

    @Test
    void accountOfADisabledServiceDoesNotResolve() {
        ServiceRecord service = newService();
        services.updateService(service.serviceName(), state(ServiceState.DISABLED));
        assertTrue(credentials.resolveAccount(service.username(), PASSWORD).isEmpty());
    }

    @Test
    void serviceWithoutAPasswordHasNoUsableAccount() {
        ServiceRecord service = services.createService(spec("svc-" + unique(), "user-" + unique()));
        assertNull(service.passwordHash());
        assertTrue(credentials.resolveAccount(service.username(), PASSWORD).isEmpty());
    }

    // ---- revocation and operations --------------------------------------------------------------------------

    @Test
    void deletedTokenOnASingleNodeSucceedsAtOnceAndNoLongerResolves() {
        ServiceRecord service = newService();
        String tokenId = newToken(service);
        String value = valueOf(service.serviceName(), tokenId);

        OperationRecord deletion = tokens.deleteToken(service.serviceName(), tokenId);
        assertEquals(OperationState.SUCCESS, deletion.state());
        assertEquals("deleteToken", deletion.action());
        assertEquals(tokenId, deletion.tokenId());
        assertNotNull(deletion.revocationId());

        assertTrue(credentials.resolveToken(value).isEmpty());
        assertRefused(Kind.NOT_FOUND, () -> tokens.token(service.serviceName(), tokenId));
        assertFalse(tokens.tokenIds(service.serviceName()).contains(tokenId));
        assertRefused(Kind.NOT_FOUND, () -> tokens.deleteToken(service.serviceName(), tokenId));
    }

    @Test
    void operationsAreListedInOrderAndReadBack() {
        ServiceRecord service = newService();
        OperationRecord created = tokens.createToken(service.serviceName(), "t", null, null);
        OperationRecord deleted = tokens.deleteToken(service.serviceName(), created.tokenId());
        OperationRecord password = services.changePassword(service.serviceName(), "another-password-42");

        assertEquals(List.of(created.operationId(), deleted.operationId(), password.operationId()),
                operations.operationIds(service.serviceName()));
        assertSameOperation(created, operations.operation(service.serviceName(), created.operationId()));
        assertSameOperation(deleted, operations.operation(service.serviceName(), deleted.operationId()));
        assertSameOperation(password, operations.operation(service.serviceName(), password.operationId()));
        assertRefused(Kind.NOT_FOUND, () -> operations.operation(newService().serviceName(), created.operationId()));
        assertRefused(Kind.NOT_FOUND, () -> operations.operation(service.serviceName(), UUID.randomUUID().toString()));
    }

    @Test
    void operationWithoutARevocationHasNoRevocationId() {
        ServiceRecord service = newService();
        OperationRecord created = tokens.createToken(service.serviceName(), "t", null, null);
        assertNull(created.revocationId());
        assertNull(operations.operation(service.serviceName(), created.operationId()).revocationId(),
                "a NULL revocation_id must read back as null, not 0");
    }

    @Test
    void changePasswordReplacesTheAccountPassword() {
        ServiceRecord service = newService();
        OperationRecord operation = services.changePassword(service.serviceName(), "brand-new-password-1");

        assertEquals(OperationState.SUCCESS, operation.state());
        assertEquals("changePassword", operation.action());
        assertNull(operation.tokenId());
        assertTrue(credentials.resolveAccount(service.username(), PASSWORD).isEmpty(), "old password refused");
        assertTrue(credentials.resolveAccount(service.username(), "brand-new-password-1").isPresent(), "new password accepted");
    }

    @Test
    void changePasswordValidatesThePasswordAndTheService() {
        ServiceRecord service = newService();
        assertRefused(Kind.INVALID, () -> services.changePassword(service.serviceName(), "too-short"));
        assertRefused(Kind.INVALID, () -> services.changePassword(service.serviceName(), null));
        assertRefused(Kind.INVALID, () -> services.changePassword(service.serviceName(), "control\nchar-password"));
        assertRefused(Kind.NOT_FOUND, () -> services.changePassword("missing-" + unique(), "brand-new-password-1"));
        assertTrue(credentials.resolveAccount(service.username(), PASSWORD).isPresent(), "unchanged");
    }

    @Test
    void deletingAServiceRevokesItsTokensAndRemovesItsOperations() {
        ServiceRecord service = newService();
        String first = newToken(service);
        String second = newToken(service);
        String firstValue = valueOf(service.serviceName(), first);
        String secondValue = valueOf(service.serviceName(), second);
        services.changePassword(service.serviceName(), "brand-new-password-1");
        ServiceRecord survivor = newService();
        String survivorValue = valueOf(survivor.serviceName(), newToken(survivor));

        services.deleteService(service.serviceName());

        assertTrue(credentials.resolveToken(firstValue).isEmpty());
        assertTrue(credentials.resolveToken(secondValue).isEmpty());
        assertEquals(0, count("SELECT COUNT(*) FROM token WHERE service_name = ?", service.serviceName()));
        assertEquals(0, count("SELECT COUNT(*) FROM operation WHERE service_name = ?", service.serviceName()));
        assertRefused(Kind.NOT_FOUND, () -> operations.operationIds(service.serviceName()));
        assertRefused(Kind.NOT_FOUND, () -> tokens.tokenIds(service.serviceName()));
        assertTrue(credentials.resolveToken(survivorValue).isPresent(), "other services keep their tokens");
        assertEquals(1, count("SELECT COUNT(*) FROM operation WHERE service_name = ?", survivor.serviceName()));
    }

    @Test
    void deletingAServiceFreesItsNameAndUsername() {
        ServiceRecord service = newService();
        newToken(service);
        services.deleteService(service.serviceName());

        services.createService(new ServiceSpec(service.serviceName(), service.username(), PASSWORD, null, null, null, null,
                null, null, null, null, null));
        assertEquals(List.of(), tokens.tokenIds(service.serviceName()), "a recreated service does not inherit tokens");
        assertEquals(List.of(), operations.operationIds(service.serviceName()), "nor operations");
    }

    // ---- several gateway nodes ------------------------------------------------------------------------------

    @Test
    void deletionWaitsForEveryLiveNodeToAcknowledge() {
        ServiceRecord service = newService();
        String tokenId = newToken(service);
        String value = valueOf(service.serviceName(), tokenId);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String otherNode = insertNode(now.minusSeconds(60), now);
        try {
            OperationRecord deletion = tokens.deleteToken(service.serviceName(), tokenId);
            assertEquals(OperationState.RUNNING, deletion.state(), "another live node has not refused the token yet");
            assertTrue(credentials.resolveToken(value).isEmpty(), "the answering node refuses it at once");
            assertNotNull(deletion.revocationId());

            node.completeOperations();
            assertEquals(OperationState.RUNNING, operations.operation(service.serviceName(), deletion.operationId()).state());

            heartbeat(otherNode, Instant.now());
            acknowledge(deletion.revocationId(), otherNode);
            node.completeOperations();

            OperationRecord done = operations.operation(service.serviceName(), deletion.operationId());
            assertEquals(OperationState.SUCCESS, done.state());
            assertEquals(tokenId, done.tokenId());
            assertFalse(done.updatedAt().isBefore(deletion.updatedAt()));
        } finally {
            removeNode(otherNode);
        }
    }

    @Test
    void nodeSilentForLongerThanTheTimeoutIsNotWaitedFor() {
        ServiceRecord service = newService();
        String tokenId = newToken(service);
        Instant lastSeen = Instant.now().minus(config.cluster().nodeTimeout()).minusSeconds(5).truncatedTo(ChronoUnit.MICROS);
        String silentNode = insertNode(lastSeen.minusSeconds(60), lastSeen);
        try {
            assertEquals(OperationState.SUCCESS, tokens.deleteToken(service.serviceName(), tokenId).state());
        } finally {
            removeNode(silentNode);
        }
    }

    @Test
    void nodeStartedAfterTheRevocationIsNotWaitedFor() {
        ServiceRecord service = newService();
        String tokenId = newToken(service);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String liveNode = insertNode(now.minusSeconds(60), now);
        String laterNode = null;
        try {
            OperationRecord deletion = tokens.deleteToken(service.serviceName(), tokenId);
            assertEquals(OperationState.RUNNING, deletion.state());
            acknowledge(deletion.revocationId(), liveNode);
            // A node that joined after the revocation never held the token in its cache: nothing to wait for.
            laterNode = insertNode(Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MICROS), Instant.now().plusSeconds(1));
            node.completeOperations();
            assertEquals(OperationState.SUCCESS, operations.operation(service.serviceName(), deletion.operationId()).state());
        } finally {
            removeNode(liveNode);
            if (laterNode != null) {
                removeNode(laterNode);
            }
        }
    }

    @Test
    void thisNodeAnnouncesItselfInTheRegistry() {
        await().atMost(Duration.ofSeconds(5)).until(() ->
                count("SELECT COUNT(*) FROM gateway_node WHERE node_id = ?", node.nodeId()) == 1);
    }

    // ---- time -----------------------------------------------------------------------------------------------

    @Test
    void timestampsRoundTripWithMicrosecondPrecision() {
        ServiceRecord service = newService();
        Instant expiresAt = Instant.parse("2031-02-03T04:05:06.123456Z");
        String tokenId = tokens.createToken(service.serviceName(), "t", null, expiresAt).tokenId();

        TokenRecord token = tokens.token(service.serviceName(), tokenId).token();
        assertEquals(expiresAt, token.expiresAt());
        assertEquals(0, token.createdAt().getNano() % 1000, "created at is kept to the microsecond");
        assertEquals(token.createdAt(), token.updatedAt());
        ServiceRecord read = services.service(service.serviceName()).orElseThrow();
        assertEquals(service.createdAt(), read.createdAt(), "what was written is what is read");
        assertEquals(service.updatedAt(), read.updatedAt());
    }

    @Test
    void timestampColumnsKeepTheInstantWithAnOffset() {
        ServiceRecord service = newService();
        Instant expiresAt = Instant.parse("2031-02-03T04:05:06.654321Z");
        String tokenId = tokens.createToken(service.serviceName(), "t", null, expiresAt).tokenId();

        OffsetDateTime stored = jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT expires_at FROM token WHERE token_id = ?")) {
                st.setString(1, tokenId);
                try (ResultSet rs = st.executeQuery()) {
                    assertTrue(rs.next());
                    int type = rs.getMetaData().getColumnType(1);
                    assertTrue(type == java.sql.Types.TIMESTAMP_WITH_TIMEZONE || type == java.sql.Types.TIMESTAMP,
                            "expires_at is a timestamp column, JDBC type " + type);
                    return rs.getObject(1, OffsetDateTime.class);
                }
            }
        });
        assertEquals(expiresAt, stored.toInstant(), "the database holds the same instant, whatever the session time zone");
    }

    @Test
    void timesLeaveAsIsoOffsetDateTimesThatParseBackExactly() throws JsonProcessingException {
        ServiceRecord service = newService();
        OperationRecord operation = tokens.createToken(service.serviceName(), "t", null, null);
        Instant createdAt = operations.operation(service.serviceName(), operation.operationId()).createdAt();

        String json = mapper.writeValueAsString(createdAt);
        String text = json.substring(1, json.length() - 1);
        assertTrue(text.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?(Z|[+-]\\d{2}:\\d{2})"), text);
        assertEquals(createdAt, OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    }

    @Test
    void migrationsAreAppliedAtStart() {
        long applied = jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1' AND success");
                 ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertEquals(1, applied, "V1__registry applied by Flyway on this database");
    }

    @AfterAll
    static void noSecretReachedTheLog() throws IOException {
        SECRETS.addAll(List.of(PASSWORD, "brand-new-password-1", "another-password-42", "es-secret-value", "es-secret-1",
                "gl-secret-2", "gl-token-3"));
        List<Path> logs;
        try (var files = Files.list(LOG_DIR)) {
            logs = files.filter(f -> f.getFileName().toString().startsWith("gateway-test.log")).toList();
        }
        assertFalse(logs.isEmpty(), "the test log is written to " + LOG_DIR);
        for (Path file : logs) {
            String log = Files.readString(file);
            for (String secret : SECRETS) {
                // Never print the secret itself.
                assertFalse(log.contains(secret), "a secret of length " + secret.length() + " appears in " + file);
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    static String unique() {
        return RUN + "-" + SEQUENCE.incrementAndGet();
    }

    ServiceRecord newService() {
        return newService("svc-" + unique());
    }

    ServiceRecord newService(String name) {
        return services.createService(new ServiceSpec(name, "user-" + unique(), PASSWORD, "Service " + name, null,
                null, null, null, null, null, null, null));
    }

    String newToken(ServiceRecord service) {
        return tokens.createToken(service.serviceName(), "token-" + unique(), null, null).tokenId();
    }

    /** The token's value, opened by the registry, remembered as a secret. */
    String valueOf(String serviceName, String tokenId) {
        String value = tokens.token(serviceName, tokenId).value();
        SECRETS.add(value);
        return value;
    }

    static ServiceSpec spec(String serviceName, String username) {
        return new ServiceSpec(serviceName, username, null, null, null, null, null, null, null, null, null, null);
    }

    static ServiceSpec state(ServiceState state) {
        return new ServiceSpec(null, null, null, null, state, null, null, null, null, null, null, null);
    }

    static void assertRefused(Kind kind, Executable call) {
        GatewayError refused = assertThrows(GatewayError.class, call);
        assertEquals(kind, refused.kind(), refused.getMessage());
    }

    /** Same operation as the client sees it (the revocation id has its own test). */
    static void assertSameOperation(OperationRecord expected, OperationRecord actual) {
        assertEquals(List.of(expected.operationId(), expected.serviceName(), String.valueOf(expected.tokenId()), expected.action(),
                        expected.state(), expected.createdAt(), expected.updatedAt()),
                List.of(actual.operationId(), actual.serviceName(), String.valueOf(actual.tokenId()), actual.action(),
                        actual.state(), actual.createdAt(), actual.updatedAt()));
    }

    /** Every column of a token row, as text. */
    Map<String, String> tokenRow(String tokenId) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT * FROM token WHERE token_id = ?")) {
                st.setString(1, tokenId);
                try (ResultSet rs = st.executeQuery()) {
                    assertTrue(rs.next(), "token row " + tokenId);
                    ResultSetMetaData meta = rs.getMetaData();
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        Object cell = rs.getObject(i);
                        row.put(meta.getColumnName(i).toLowerCase(), cell == null ? null : cell.toString());
                    }
                    return row;
                }
            }
        });
    }

    long count(String sql, String key) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement(sql)) {
                st.setString(1, key);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Registers a fake gateway node sharing this registry, as another process would. */
    String insertNode(Instant startedAt, Instant lastSeenAt) {
        String nodeId = UUID.randomUUID().toString();
        update("INSERT INTO gateway_node (node_id, started_at, last_seen_at) VALUES (?,?,?)",
                nodeId, Timestamp.from(startedAt), Timestamp.from(lastSeenAt));
        return nodeId;
    }

    void heartbeat(String nodeId, Instant lastSeenAt) {
        update("UPDATE gateway_node SET last_seen_at = ? WHERE node_id = ?", Timestamp.from(lastSeenAt), nodeId);
    }

    void acknowledge(long revocationId, String nodeId) {
        update("INSERT INTO revocation_ack (revocation_id, node_id) VALUES (?,?)", revocationId, nodeId);
    }

    void removeNode(String nodeId) {
        update("DELETE FROM gateway_node WHERE node_id = ?", nodeId);
    }

    void update(String sql, Object... parameters) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    st.setObject(i + 1, parameters[i]);
                }
                return st.executeUpdate();
            }
        });
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
