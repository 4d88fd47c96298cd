package dev.vessel.vmm.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Versions of Debian packages, the inputs that name a cached guest build. */
final class DebianPackages {

    private DebianPackages() {
    }

    /**
     * The installed version, or the version apt would install when the package is missing (the
     * build script installs exactly that one), or "unknown" without dpkg/apt.
     */
    static String version(String pkg) {
        String installed = run("dpkg-query", "-W", "-f=${Status} ${Version}", pkg);
        if (installed.startsWith("install ok installed ")) {
            return installed.substring("install ok installed ".length()).trim();
        }
        for (String line : run("apt-cache", "policy", pkg).split("\n")) {
            String t = line.trim();
            if (t.startsWith("Candidate:")) {
                return t.substring("Candidate:".length()).trim();
            }
        }
        return "unknown";
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return ""; // no dpkg on this host: the version is unknown, the build script will say why
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
