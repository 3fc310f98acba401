package io.cdae.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on 127.0.0.1 for the servers the cluster tests start. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** A port that was free on the loopback address a moment ago. */
    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
