/**
 * TLS on the gateway's own listeners (what clients connect to), from the Quarkus TLS registry's default configuration:
 * {@link io.logstokengateway.tls.ListenerTlsConfigSource} moves the management listener to HTTPS on its usual port
 * when a key store is configured, and {@link io.logstokengateway.tls.ListenerTls} applies the same key store, protocols
 * and ciphers to the proxy listeners and follows certificate reloads. The upstream side ({@code gateway.<listener>.tls.*})
 * is the proxy package's concern.
 */
package io.logstokengateway.tls;
