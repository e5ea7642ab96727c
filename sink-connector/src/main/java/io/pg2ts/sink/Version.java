package io.pg2ts.sink;

import io.pg2ts.common.BuildVersion;

final class Version {

    static final String VERSION = BuildVersion.of(Version.class);

    private Version() {
    }
}
