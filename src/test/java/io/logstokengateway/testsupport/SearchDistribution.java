package io.logstokengateway.testsupport;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * What differs between the search servers the tests run (OpenSearch, Elasticsearch): names, where the build puts the
 * distribution, the launcher's environment prefix, and the settings only one of them needs.
 *
 * @param product        name for messages ("OpenSearch")
 * @param launcher       start script, relative to the unpacked home
 * @param envPrefix      prefix of the launcher's variables: {@code <prefix>_JAVA_OPTS}, {@code _JAVA_HOME}, {@code _TMPDIR}
 * @param runAsUser      the unprivileged user it runs as when the tests run as root (both refuse root)
 * @param runFolder      folder under {@code target} holding the unpacked home and the node folders
 * @param uriProperty    system property naming a server already started in this JVM
 * @param zipProperty    system property naming the distribution zip (set by the build)
 * @param defaultZip     the zip when that property is unset
 * @param javaHomeProperty system property naming the JDK to run it with (default: the test JVM's)
 * @param extraSettings  {@code -E} settings beyond the common single-node ones
 */
record SearchDistribution(String product, String launcher, String envPrefix, String runAsUser, String runFolder,
                          String uriProperty, String zipProperty, String defaultZip, String javaHomeProperty,
                          List<String> extraSettings) {

    Path runRoot() {
        return Paths.get("target", runFolder).toAbsolutePath();
    }

    Path zip() {
        return Paths.get(System.getProperty(zipProperty, defaultZip)).toAbsolutePath();
    }

    String javaHome() {
        return System.getProperty(javaHomeProperty, System.getProperty("java.home"));
    }
}
