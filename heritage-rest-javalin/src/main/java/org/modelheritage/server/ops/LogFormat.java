package org.modelheritage.server.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * How log lines look: {@link #TEXT} (dated lines, {@link TextLogConfigurator}, what the app's Logback
 * starts with) or {@link #JSON} (one JSON object a line through the Logstash encoder,
 * {@code logback-json.xml}).
 */
public enum LogFormat {
    TEXT(null),
    JSON("/logback-json.xml");

    private final String resource;

    LogFormat(String resource) {
        this.resource = resource;
    }

    /** "text" or "json", any case. */
    public static LogFormat parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "", "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("log format must be 'text' or 'json', got '" + name + "'");
        };
    }

    /**
     * Switches this process's logging to the format. {@link #TEXT} leaves the configuration Logback
     * started with (the text format, or a test's own) alone.
     */
    public void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        configure(context);
    }

    /** Replaces {@code context}'s configuration with this format's. */
    public void configure(LoggerContext context) {
        if (resource == null) {
            TextLogConfigurator.apply(context);
            return;
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        try {
            configurator.doConfigure(LogFormat.class.getResource(resource));
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging from " + resource + ": " + e.getMessage(), e);
        }
    }
}
