package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * deploy/compose.yaml runs only what the CLI has: every subcommand, every --option and every
 * HERITAGE_* variable its Model Heritage services use is read from the real option definitions
 * (a variable counts when some option of that subcommand defaults to {@code ${env:NAME...}}).
 */
class DeployComposeTest {
    static final Path COMPOSE = Path.of("..", "deploy", "compose.yaml");
    /** Variables the image's software reads that are not CLI options: the S3 SDK's credentials and the JVM's. */
    static final Set<String> OTHER_VARIABLES = Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION",
            "JAVA_TOOL_OPTIONS");

    @Test
    void everySubcommandOptionAndVariableTheComposeFileUsesExistsInTheCli() throws Exception {
        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(COMPOSE)).get("services");
        Map<String, CommandLine> subcommands = Main.commandLine().getSubcommands();
        List<String> problems = new ArrayList<>();
        List<String> roles = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            JsonNode s = service.getValue();
            if (!s.path("image").asText().startsWith("model-heritage:")) {
                continue;
            }
            String name = service.getKey();
            List<String> command = strings(s.get("command"));
            String sub = command.get(0);
            roles.add(sub);
            CommandLine cli = subcommands.get(sub);
            if (cli == null) {
                problems.add(name + ": no subcommand '" + sub + "' in " + new TreeSet<>(subcommands.keySet()));
                continue;
            }
            checkOptions(name, cli.getCommandSpec(), command.subList(1, command.size()), problems);
            Set<String> variables = variables(cli.getCommandSpec());
            for (Iterator<String> keys = s.path("environment").fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (key.startsWith("HERITAGE_") ? !variables.contains(key) : !OTHER_VARIABLES.contains(key)) {
                    problems.add(name + ": '" + sub + "' reads no variable " + key);
                }
            }
            JsonNode health = s.path("healthcheck").path("test");
            if (!health.isMissingNode()) {
                List<String> test = strings(health);
                int main = test.indexOf(Main.class.getName());
                assertTrue(main > 0, name + ": the health check runs " + test);
                String probe = test.get(main + 1);
                CommandLine probeCli = subcommands.get(probe);
                if (probeCli == null) {
                    problems.add(name + ": health check subcommand '" + probe + "' does not exist");
                } else {
                    checkOptions(name + " health check", probeCli.getCommandSpec(), test.subList(main + 2, test.size()), problems);
                }
            }
            String store = s.path("environment").path("HERITAGE_STORE").asText();
            String blobs = s.path("environment").path("HERITAGE_BLOBS").asText();
            assertTrue(store.startsWith("jdbc:postgresql://"), name + " shares PostgreSQL: " + store);
            assertTrue(blobs.startsWith("s3://") && blobs.contains("endpoint=http://minio:9000"), name + " shares the S3 store: " + blobs);
        }
        assertEquals(List.of(), problems);
        assertEquals(List.of("serve", "serve", "worker"), roles.stream().sorted().toList(), "two servers and a worker");
        assertTrue(services.has("postgres") && services.has("minio"), "PostgreSQL and an S3 store");
    }

    private static void checkOptions(String where, CommandSpec spec, List<String> args, List<String> problems) {
        for (String arg : args) {
            if (arg.startsWith("-")) {
                String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                if (spec.findOption(option) == null) {
                    problems.add(where + ": '" + spec.name() + "' has no option " + option);
                }
            }
        }
    }

    /** HERITAGE_* names that the subcommand's options read from the environment. */
    static Set<String> variables(CommandSpec spec) {
        spec.interpolateVariables(false); // the definitions as written, ${env:...} and all
        Set<String> out = new HashSet<>();
        for (OptionSpec o : spec.options()) {
            String d = o.defaultValue();
            if (d == null) {
                continue;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{env:([A-Z0-9_]+)").matcher(d);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
