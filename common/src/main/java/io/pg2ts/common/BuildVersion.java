package io.pg2ts.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version Maven writes into a {@code version.properties} resource beside a class at build time.
 */
public final class BuildVersion {

    private BuildVersion() {
    }

    /** The {@code version} of the {@code version.properties} in {@code anchor}'s package, or "unknown". */
    public static String of(Class<?> anchor) {
        try (InputStream in = anchor.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
