package io.pg2ts.sink;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

// The version comes from a resource Maven fills in at build time.
final class Version {

    static final String VERSION = load();

    private Version() {
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
