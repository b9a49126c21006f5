package io.logstokengateway.testsupport.graylog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.graylog2.indexer.cluster.NodeAdapter;
import org.graylog2.storage.SearchVersion;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A storage adapter with nothing behind it: collections empty, optionals absent, booleans false (so the search
 * cluster reads as not connected), numbers 0, JSON an empty object, anything else {@code null}; default methods run as
 * written. Only {@link NodeAdapter#version()} answers something: the configured version, which Graylog checks.
 */
final class EmptyAnswers implements InvocationHandler {

    private final Class<?> adapter;
    private final SearchVersion version;

    private EmptyAnswers(Class<?> adapter, SearchVersion version) {
        this.adapter = adapter;
        this.version = version;
    }

    @SuppressWarnings("unchecked")
    static <T> T of(Class<T> adapter, SearchVersion version) {
        return (T) Proxy.newProxyInstance(adapter.getClassLoader(), new Class<?>[] {adapter}, new EmptyAnswers(adapter, version));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "stand-in " + adapter.getSimpleName();
            };
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        if (adapter == NodeAdapter.class && method.getName().equals("version")) {
            return Optional.of(version);
        }
        return empty(method.getReturnType());
    }

    private static Object empty(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == Optional.class) {
            return Optional.empty();
        }
        if (type == List.class || type == Collection.class || type == Iterable.class) {
            return List.of();
        }
        if (type == Set.class) {
            return Set.of();
        }
        if (type == Map.class) {
            return Map.of();
        }
        if (type == Stream.class) {
            return Stream.empty();
        }
        if (type.isAssignableFrom(ObjectNode.class) && JsonNode.class.isAssignableFrom(type)) {
            return JsonNodeFactory.instance.objectNode();
        }
        return null; // void, and every type with no empty value of its own
    }
}
