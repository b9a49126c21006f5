/**
 * What a real Graylog 6.1 needs to run in the tests besides its own jars, run inside Graylog's JVM:
 * <ul>
 *   <li>{@link io.logstokengateway.testsupport.graylog.GraylogWithMongoStandIn}, the main class: starts the MongoDB
 *       stand-in, then Graylog; both live and die together, so Graylog always stops before its database;</li>
 *   <li>{@link io.logstokengateway.testsupport.graylog.GraylogMongoBackend}: mongo-java-server's in-memory backend
 *       plus the few answers Graylog needs that it lacks;</li>
 *   <li>{@link io.logstokengateway.testsupport.graylog.SearchStorageStandIn}: a Graylog plugin standing in for the
 *       search-storage plugins (not published on Maven Central), so that Graylog starts; search itself then fails,
 *       and the tests keep the emulator for search answers.</li>
 * </ul>
 * These sources compile against Graylog's classpath, not the tests': {@code GraylogStandIns} (in the test sources)
 * compiles them into {@code target/graylog/stand-ins} when a test first starts Graylog.
 */
package io.logstokengateway.testsupport.graylog;
