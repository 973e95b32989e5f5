package org.modelheritage.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The app's text log format, set up in code when Logback starts: the runnable jar and the container
 * image register it ({@code META-INF/services} under {@code src/app/resources}), the module's own jar
 * does not. Lines go to stderr, so that what {@code inspect} and {@code eval} print on stdout stays
 * machine-readable: the date and time with its offset, the level, the thread, the logger, the MDC
 * (requestId, modelId) when set, the message. Model Heritage's own loggers log at
 * {@code HERITAGE_LOG_LEVEL} (a system property or environment variable; default INFO), every other
 * one at WARN.
 *
 * <p>Why not a {@code logback.xml}: reading one takes Logback's XML configurator, some 200 classes
 * and 0.15-0.2 s at every start, a good share of a short command such as {@code eval} of a few
 * models. A configuration file still wins where there is one ({@code -Dlogback.configurationFile},
 * or a {@code logback-test.xml} or {@code logback.xml} on the class path).
 */
public final class TextLogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} %replace([%mdc] ){'\\[\\] ', ''}- %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = TextLogConfigurator.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Replaces {@code context}'s configuration with the text format. */
    static void apply(LoggerContext context) {
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("org.modelheritage").setLevel(level());
    }

    /** {@code HERITAGE_LOG_LEVEL}, as a system property or else from the environment; INFO when unset or not a level. */
    static Level level() {
        String wanted = System.getProperty("HERITAGE_LOG_LEVEL", System.getenv("HERITAGE_LOG_LEVEL"));
        return Level.toLevel(wanted, Level.INFO);
    }
}
