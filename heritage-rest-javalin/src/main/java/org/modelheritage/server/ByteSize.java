package org.modelheritage.server;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses sizes such as {@code 5GB} (10^9), {@code 2GiB} (2^30), {@code 500MB}, {@code 1048576}. */
final class ByteSize implements ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?)b?", Pattern.CASE_INSENSITIVE);

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        Matcher m = SIZE.matcher(value.strip());
        if (!m.matches()) {
            throw new TypeConversionException("not a size: '" + value + "' (try 5GB, 500MB, 2GiB or a byte count)");
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        double base = m.group(3).isEmpty() ? 1000 : 1024;
        int power = switch (unit) {
            case "k" -> 1;
            case "m" -> 2;
            case "g" -> 3;
            case "t" -> 4;
            default -> 0;
        };
        double bytes = number * Math.pow(base, power);
        if (bytes < 1 || bytes > Long.MAX_VALUE) {
            throw new TypeConversionException("size out of range: '" + value + "'");
        }
        return (long) bytes;
    }
}
