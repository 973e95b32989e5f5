/**
 * The REST API, web pages and command-line app over a {@code ModelLake}, on Javalin. The
 * command-line package ({@code org.modelheritage.server}) is not exported.
 */
module org.modelheritage.server {
    requires transitive org.modelheritage.core;
    requires transitive io.javalin;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.annotation;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.io;
    requires org.eclipse.jetty.util;
    requires jakarta.servlet;
    requires org.apache.commons.fileupload2.core;
    requires org.apache.commons.fileupload2.jakarta.servlet6;
    requires java.net.http;
    requires info.picocli;
    requires io.github.bucket4j.core;
    requires com.nimbusds.jose.jwt;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    // Logback is optional: only the app's log-format switch uses it, when it is present.
    requires static ch.qos.logback.classic;
    requires static ch.qos.logback.core;

    exports org.modelheritage.server.api;
    exports org.modelheritage.server.access;

    // Jackson writes the response records; picocli fills the commands' option fields.
    opens org.modelheritage.server.api to com.fasterxml.jackson.databind;
    opens org.modelheritage.server.access to com.fasterxml.jackson.databind;
    opens org.modelheritage.server to info.picocli;
    opens org.modelheritage.server.ops to com.fasterxml.jackson.databind;
    opens org.modelheritage.server.maintenance to com.fasterxml.jackson.databind;
}
