package org.modelheritage.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.modelheritage.read.DType;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightReaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code inspect PATH... [--json]}: what each weight file holds, read from its header alone. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Prints each weight file's format, dtypes, tensor count, parameter count and tensors.")
final class InspectCommand implements Callable<Integer> {
    static final int UNREADABLE = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "A weight file (safetensors, PyTorch zip or legacy torch.save, any extension) or a "
                    + "directory holding a sharded safetensors checkpoint.")
    List<Path> paths;

    @Option(names = "--json", description = "One JSON object per path, one per line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status = 0;
        boolean first = true;
        for (Path path : paths) {
            try (WeightFile file = WeightReaders.open(path)) {
                if (json) {
                    out.println(JSON.writeValueAsString(toJson(path, file)));
                } else {
                    if (!first) {
                        out.println();
                    }
                    printTable(out, path, file);
                }
                first = false;
            } catch (NoSuchFileException e) {
                err.println(oneLine(path + ": no such file or directory"));
                status = UNREADABLE;
            } catch (IOException e) {
                // a WeightFormatException's message names the file, the byte or entry, and the reason
                err.println(oneLine(e instanceof org.modelheritage.read.WeightFormatException ? e.getMessage()
                        : path + ": cannot read: " + e));
                status = UNREADABLE;
            }
            out.flush();
            err.flush();
        }
        return status;
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    private static Set<DType> dtypes(WeightFile file) {
        Set<DType> dtypes = new LinkedHashSet<>();
        for (TensorInfo t : file.tensors()) {
            dtypes.add(t.dtype());
        }
        return dtypes;
    }

    static ObjectNode toJson(Path path, WeightFile file) {
        ObjectNode o = JSON.createObjectNode();
        o.put("path", path.toString());
        o.put("format", file.format().id());
        ArrayNode dtypes = o.putArray("dtypes");
        dtypes(file).forEach(d -> dtypes.add(d.name()));
        o.put("tensor_count", file.tensors().size());
        o.put("parameter_count", file.parameterCount());
        ArrayNode tensors = o.putArray("tensors");
        for (TensorInfo t : file.tensors()) {
            ObjectNode tn = tensors.addObject();
            tn.put("name", t.name());
            tn.put("dtype", t.dtype().name());
            ArrayNode shape = tn.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
        }
        return o;
    }

    private static void printTable(PrintWriter out, Path path, WeightFile file) {
        out.println(path);
        out.printf("  format      %s%n", file.format().id());
        out.printf("  dtypes      %s%n", String.join(", ", dtypes(file).stream().map(DType::name).toList()));
        out.printf("  tensors     %d%n", file.tensors().size());
        out.printf("  parameters  %,d%n", file.parameterCount());
        if (!file.metadata().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, String> e : file.metadata().entrySet()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
            }
            out.printf("  metadata    %s%n", oneLine(sb.toString()));
        }
        int width = "NAME".length();
        for (TensorInfo t : file.tensors()) {
            width = Math.max(width, t.name().length());
        }
        String row = "  %-" + width + "s  %-7s  %s%n";
        out.printf(row, "NAME", "DTYPE", "SHAPE");
        for (TensorInfo t : file.tensors()) {
            out.printf(row, oneLine(t.name()), t.dtype().name(), Arrays.toString(t.shape()));
        }
    }
}
