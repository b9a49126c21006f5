package io.logstokengateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.logstokengateway.config.GatewayConfig;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written manifests under {@code deploy/kubernetes} agree with the gateway and with each other: every
 * property they set exists, the ports are the listeners' defaults, the probes reach the health paths, the Service, the
 * PodDisruptionBudget and the autoscaler find the Deployment, every Secret key used is in the example Secret, and the
 * memory fits the README's heap.
 */
class KubernetesManifestsTest {

    static final Path DIR = Path.of("deploy", "kubernetes");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** What the README's sizing asks above the heap for metaspace, threads and direct buffers. */
    static final long HEADROOM_MIB = 256;

    final JsonNode kustomization = read("kustomization.yaml");
    final Map<String, JsonNode> byKind = resources();
    final JsonNode deployment = byKind.get("Deployment");
    final JsonNode pod = deployment.path("spec").path("template");
    final JsonNode container = pod.path("spec").path("containers").get(0);
    final JsonNode tlsPatch = read("tls/deployment-tls.yaml");
    final String readme = text(Path.of("README.md"));

    private static JsonNode read(String file) {
        try {
            return YAML.readTree(DIR.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A duration set in seconds in application.properties. */
    private static long seconds(String property) {
        Matcher set = Pattern.compile("(?m)^" + Pattern.quote(property) + "=(\\d+)s$")
                .matcher(text(Path.of("src", "main", "resources", "application.properties")));
        assertTrue(set.find(), property + " is set in seconds in application.properties");
        return Long.parseLong(set.group(1));
    }

    private static long drainTimeoutSeconds() {
        try {
            String value = GatewayConfig.Shutdown.class.getMethod("drainTimeout").getAnnotation(WithDefault.class).value();
            return java.time.Duration.parse("PT" + value.toUpperCase(Locale.ROOT)).toSeconds();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, JsonNode> resources() {
        Map<String, JsonNode> resources = new HashMap<>();
        for (JsonNode file : kustomization.path("resources")) {
            JsonNode resource = read(file.asText());
            assertEquals(null, resources.put(resource.path("kind").asText(), resource), "one resource of each kind");
        }
        return resources;
    }

    @Test
    void theKustomizationListsEveryManifestAndTheTlsComponentItsPatch() throws IOException {
        Set<String> listed = new TreeSet<>();
        kustomization.path("resources").forEach(file -> listed.add(file.asText()));
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(DIR)) {
            files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".yaml"))
                    .filter(name -> !name.equals("kustomization.yaml")).forEach(present::add);
        }
        assertEquals(present, listed);
        assertEquals(Set.of("Secret", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"),
                byKind.keySet());
        JsonNode component = read("tls/kustomization.yaml");
        assertEquals("Component", component.path("kind").asText());
        assertEquals("deployment-tls.yaml", component.path("patches").get(0).path("path").asText());
        assertEquals(deployment.path("metadata").path("name"), tlsPatch.path("metadata").path("name"));
        assertEquals(container.path("name"), tlsPatch.path("spec").path("template").path("spec").path("containers").get(0).path("name"));
    }

    @Test
    void containerPortsAreTheListenersDefaults() throws Exception {
        Map<String, Integer> ports = containerPorts();
        assertEquals(Set.of(defaultPort("quarkus.http.port"), defaultPort("gateway.elasticsearch.port"),
                defaultPort("gateway.graylog.port")), new HashSet<>(ports.values()));
        assertEquals(List.of(8080, 9200, 9000), List.of(defaultPort("quarkus.http.port"), defaultPort("gateway.elasticsearch.port"),
                defaultPort("gateway.graylog.port")), "the SPEC's defaults");
        JsonNode service = byKind.get("Service");
        Set<Integer> servicePorts = new HashSet<>();
        for (JsonNode port : service.path("spec").path("ports")) {
            servicePorts.add(port.path("port").asInt());
            assertEquals(port.path("port").asInt(), ports.get(port.path("targetPort").asText()), port::toString);
        }
        assertEquals(Set.of(8080, 9200, 9000), servicePorts);
    }

    /** The default of a listener port: {@code application.properties} for Quarkus', the mapping for the gateway's. */
    private int defaultPort(String property) throws Exception {
        if (property.startsWith("quarkus.")) {
            Matcher set = Pattern.compile("(?m)^" + Pattern.quote(property) + "=(\\d+)$")
                    .matcher(text(Path.of("src/main/resources/application.properties")));
            assertTrue(set.find(), property);
            return Integer.parseInt(set.group(1));
        }
        Class<?> listener = property.contains("elasticsearch") ? GatewayConfig.SearchListener.class : GatewayConfig.GraylogListener.class;
        return Integer.parseInt(listener.getMethod("port").getAnnotation(WithDefault.class).value());
    }

    private Map<String, Integer> containerPorts() {
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(port -> ports.put(port.path("name").asText(), port.path("containerPort").asInt()));
        return ports;
    }

    @Test
    void probesAskTheHealthPathsOnTheManagementPort() {
        Map<String, Integer> ports = containerPorts();
        Map<String, String> paths = Map.of("startupProbe", "/q/health/live", "livenessProbe", "/q/health/live",
                "readinessProbe", "/q/health/ready");
        paths.forEach((probe, path) -> {
            JsonNode get = container.path(probe).path("httpGet");
            assertEquals(path, get.path("path").asText(), probe);
            assertEquals(8080, ports.get(get.path("port").asText()), probe);
            assertTrue(readme.contains("`" + path + "`"), path + " is documented");
        });
        JsonNode patched = tlsPatch.path("spec").path("template").path("spec").path("containers").get(0);
        paths.keySet().forEach(probe -> assertEquals("HTTPS", patched.path(probe).path("httpGet").path("scheme").asText(),
                probe + " follows the management listener to HTTPS"));
    }

    @Test
    void serviceBudgetAndAutoscalerFindTheDeployment() {
        JsonNode podLabels = pod.path("metadata").path("labels");
        JsonNode selector = deployment.path("spec").path("selector").path("matchLabels");
        assertSubset(selector, podLabels);
        assertSubset(byKind.get("Service").path("spec").path("selector"), podLabels);
        assertEquals(selector, byKind.get("PodDisruptionBudget").path("spec").path("selector").path("matchLabels"));

        JsonNode target = byKind.get("HorizontalPodAutoscaler").path("spec").path("scaleTargetRef");
        assertEquals("autoscaling/v2", byKind.get("HorizontalPodAutoscaler").path("apiVersion").asText());
        assertEquals("Deployment", target.path("kind").asText());
        assertEquals(deployment.path("metadata").path("name").asText(), target.path("name").asText());
        assertEquals(3, deployment.path("spec").path("replicas").asInt());
        assertEquals(3, byKind.get("HorizontalPodAutoscaler").path("spec").path("minReplicas").asInt());
        assertEquals("cpu", byKind.get("HorizontalPodAutoscaler").path("spec").path("metrics").get(0).path("resource").path("name").asText());
        assertTrue(container.path("resources").path("requests").has("cpu"), "CPU utilisation needs a CPU request");
    }

    private static void assertSubset(JsonNode labels, JsonNode of) {
        assertTrue(labels.size() > 0);
        labels.fields().forEachRemaining(label -> assertEquals(label.getValue(), of.path(label.getKey()), label.getKey()));
    }

    @Test
    void everyPropertySetIsOneTheGatewayReads() {
        Set<String> known = knownPropertiesInEnvironmentForm();
        List<String> set = new ArrayList<>();
        byKind.get("ConfigMap").path("data").fieldNames().forEachRemaining(set::add);
        byKind.get("Secret").path("stringData").fieldNames().forEachRemaining(set::add);
        container.path("env").forEach(env -> set.add(env.path("name").asText()));
        tlsPatch.path("spec").path("template").path("spec").path("containers").get(0).path("env")
                .forEach(env -> set.add(env.path("name").asText()));
        List<String> unknown = set.stream().filter(name -> !name.equals("JAVA_OPTS_APPEND")).filter(name -> !known.contains(name)).toList();
        assertEquals(List.of(), unknown);
        assertTrue(set.contains("GATEWAY_REGISTRY_KIND") && set.contains("GATEWAY_SECRETS_KEY"), "several replicas share PostgreSQL");
        assertEquals("postgresql", byKind.get("ConfigMap").path("data").path("GATEWAY_REGISTRY_KIND").asText());
    }

    /**
     * Every {@code gateway.*} property of {@link GatewayConfig}, and every {@code quarkus.*} property the gateway
     * documents (README) or sets ({@code application.properties}), as environment variables name them.
     */
    private Set<String> knownPropertiesInEnvironmentForm() {
        Set<String> known = new HashSet<>();
        walk(GatewayConfig.class, "gateway", known);
        Matcher quarkus = Pattern.compile("quarkus\\.[a-z0-9.\\-]+[a-z0-9]")
                .matcher(readme + text(Path.of("src/main/resources/application.properties")));
        while (quarkus.find()) {
            known.add(quarkus.group());
        }
        Set<String> environment = new HashSet<>();
        known.forEach(property -> environment.add(property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT)));
        // Written as environment variables in the README's production command.
        Matcher variables = Pattern.compile("\\bQUARKUS_[A-Z0-9_]+").matcher(readme);
        while (variables.find()) {
            environment.add(variables.group());
        }
        return environment;
    }

    private static void walk(Class<?> mapping, String prefix, Set<String> properties) {
        for (Method method : mapping.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0) {
                continue;
            }
            WithName renamed = method.getAnnotation(WithName.class);
            String name = prefix + "." + (renamed != null ? renamed.value() : method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                    .toLowerCase(Locale.ROOT));
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getDeclaringClass() == GatewayConfig.class) {
                walk(type, name, properties);
            } else {
                properties.add(name);
            }
        }
    }

    @Test
    void secretKeysUsedAreInTheExampleSecretAndArePlaceholders() {
        JsonNode secret = byKind.get("Secret");
        String name = secret.path("metadata").path("name").asText();
        List<JsonNode> references = new ArrayList<>();
        container.path("env").forEach(env -> {
            if (env.path("valueFrom").has("secretKeyRef")) {
                references.add(env.path("valueFrom").path("secretKeyRef"));
            }
        });
        assertEquals(3, references.size(), "master key, operator key, PostgreSQL password");
        for (JsonNode reference : references) {
            assertEquals(name, reference.path("name").asText());
            assertTrue(secret.path("stringData").has(reference.path("key").asText()), reference::toString);
        }
        secret.path("stringData").forEach(value -> assertTrue(value.asText().startsWith("REPLACE-ME"), "placeholder: " + value));
        container.path("envFrom").forEach(source -> assertEquals(byKind.get("ConfigMap").path("metadata").path("name"),
                source.path("configMapRef").path("name")));
        Set<String> fromConfigMap = new HashSet<>();
        byKind.get("ConfigMap").path("data").fieldNames().forEachRemaining(fromConfigMap::add);
        secret.path("stringData").fieldNames().forEachRemaining(key -> assertFalse(fromConfigMap.contains(key), key + " is a secret"));
    }

    @Test
    void theJvmRunsAsTheReadmeProductionCommandWithinTheMemoryLimit() {
        Matcher command = Pattern.compile("java (-Xms\\S+ -Xmx(\\d+)m -XX:\\+ExitOnOutOfMemoryError) -jar").matcher(readme);
        assertTrue(command.find(), "the README's production command");
        String options = container.path("env").findValues("value").stream().map(JsonNode::asText)
                .filter(value -> value.contains("-Xmx")).findFirst().orElseThrow();
        for (String flag : command.group(1).split(" ")) {
            assertTrue(List.of(options.split("\\s+")).contains(flag), flag + " in " + options);
        }
        long heapMib = Long.parseLong(command.group(2));
        JsonNode resources = container.path("resources");
        assertEquals(resources.path("requests").path("memory"), resources.path("limits").path("memory"), "memory is not overcommitted");
        assertTrue(mebibytes(resources.path("limits").path("memory").asText()) >= heapMib + HEADROOM_MIB,
                () -> resources + " for a heap of " + heapMib + " MiB");
    }

    private static long mebibytes(String quantity) {
        Matcher value = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        assertTrue(value.matches(), quantity);
        return Long.parseLong(value.group(1)) * (value.group(2).equals("Gi") ? 1024 : 1);
    }

    @Test
    void thePodIsTakenOutOfServiceBeforeItStopsAndGivenTimeToDrain() {
        JsonNode sleep = container.path("lifecycle").path("preStop").path("exec").path("command");
        assertEquals("sleep", sleep.get(0).asText());
        long pause = sleep.get(1).asLong();
        long readinessNoticed = container.path("readinessProbe").path("periodSeconds").asLong()
                * container.path("readinessProbe").path("failureThreshold").asLong();
        assertTrue(pause >= readinessNoticed, "the pause covers the readiness probe's reaction time");
        // After SIGTERM the gateway serves on for the shutdown delay, then drains the proxy listeners, then lets
        // Quarkus stop the management listener: the grace period must cover the pause and all three.
        long stopSeconds = seconds("quarkus.shutdown.delay") + drainTimeoutSeconds()
                + seconds("quarkus.shutdown.timeout");
        long grace = pod.path("spec").path("terminationGracePeriodSeconds").asLong();
        assertTrue(grace > pause + stopSeconds, "grace period " + grace + " s, pause " + pause + " s, stop " + stopSeconds + " s");
        assertTrue(readme.contains("`terminationGracePeriodSeconds` (" + grace + ")"), "the README states the grace period");
    }

    @Test
    void theTlsComponentPointsTheKeyStoreAtTheMountedSecret() {
        JsonNode spec = tlsPatch.path("spec").path("template").path("spec");
        JsonNode patched = spec.path("containers").get(0);
        String mount = patched.path("volumeMounts").get(0).path("mountPath").asText();
        assertEquals(spec.path("volumes").get(0).path("name"), patched.path("volumeMounts").get(0).path("name"));
        assertTrue(spec.path("volumes").get(0).path("secret").has("secretName"));
        Map<String, String> env = new HashMap<>();
        patched.path("env").forEach(entry -> env.put(entry.path("name").asText(), entry.path("value").asText()));
        assertEquals(mount + "/tls.crt", env.get("QUARKUS_TLS_KEY_STORE_PEM_0_CERT"));
        assertEquals(mount + "/tls.key", env.get("QUARKUS_TLS_KEY_STORE_PEM_0_KEY"));
        assertTrue(env.containsKey("QUARKUS_TLS_RELOAD_PERIOD"), "a renewed certificate is read again");
    }
}
