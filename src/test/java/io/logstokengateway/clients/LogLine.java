package io.logstokengateway.clients;

/** A log line as an application maps it, indexed and read back by the client tests. */
public class LogLine {
    public String message;
    public String level;
    public String timestamp;

    public LogLine() {
    }

    LogLine(String message, String level, String timestamp) {
        this.message = message;
        this.level = level;
        this.timestamp = timestamp;
    }
}
