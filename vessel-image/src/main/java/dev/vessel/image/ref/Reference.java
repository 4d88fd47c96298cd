package dev.vessel.image.ref;

import dev.vessel.image.store.Digest;

import java.util.regex.Pattern;

/**
 * An image reference, parsed and normalised the way Docker, Podman and containerd do
 * (distribution/reference): {@code busybox} is {@code docker.io/library/busybox:latest}; the
 * first path component is a registry only if it contains '.' or ':', is {@code localhost}, or
 * has an upper-case letter; a reference with a digest keeps its tag only if one was written.
 */
public record Reference(String domain, String path, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DOMAIN_COMPONENT = Pattern.compile("(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])");
    private static final Pattern HOST = Pattern.compile(DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*");
    private static final Pattern IPV6 = Pattern.compile("\\[[a-fA-F0-9:]+]");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final int NAME_MAX = 255;

    public static Reference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("image reference is empty: give a name such as busybox or registry:5000/app:1.0");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String d = rest.substring(at + 1);
            try {
                digest = Digest.parse(d);
            } catch (IllegalArgumentException e) {
                throw invalid(text, "digest \"" + d + "\" is invalid: " + e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "tag \"" + tag + "\" is invalid: use up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
            }
        }
        if (rest.isEmpty()) {
            throw invalid(text, "the repository name is missing");
        }
        String domain = null;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase())) {
                domain = first;
                path = rest.substring(slash + 1);
                checkDomain(text, domain);
            }
        }
        checkPath(text, path);
        if (domain == null || domain.equals("index.docker.io")) {
            domain = DOCKER_HUB;
        }
        if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if ((domain + "/" + path).length() > NAME_MAX) {
            throw invalid(text, "the repository name is longer than " + NAME_MAX + " characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new Reference(domain, path, tag, digest);
    }

    private static void checkDomain(String text, String domain) {
        String host = domain;
        String port = null;
        if (domain.startsWith("[")) {
            int end = domain.indexOf(']');
            host = end < 0 ? domain : domain.substring(0, end + 1);
            if (end >= 0 && end + 1 < domain.length()) {
                if (domain.charAt(end + 1) != ':') {
                    throw invalid(text, "registry \"" + domain + "\" is invalid after the IPv6 address");
                }
                port = domain.substring(end + 2);
            }
            if (!IPV6.matcher(host).matches()) {
                throw invalid(text, "registry \"" + domain + "\" is not a valid IPv6 address in brackets");
            }
        } else {
            int c = domain.indexOf(':');
            if (c >= 0) {
                host = domain.substring(0, c);
                port = domain.substring(c + 1);
            }
            if (!HOST.matcher(host).matches()) {
                throw invalid(text, "registry host \"" + host + "\" is invalid: use letters, digits, '-' and '.'");
            }
        }
        if (port != null && (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535)) {
            throw invalid(text, "registry port \"" + port + "\" is invalid: use a number from 1 to 65535");
        }
    }

    private static void checkPath(String text, String path) {
        for (String component : path.split("/", -1)) {
            if (component.isEmpty()) {
                throw invalid(text, "repository path \"" + path + "\" has an empty component (a doubled or trailing '/')");
            }
            if (!component.equals(component.toLowerCase())) {
                throw invalid(text, "repository name \"" + path + "\" must be lowercase");
            }
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw invalid(text, "repository path component \"" + component
                        + "\" is invalid: use lowercase letters and digits, separated by '.', '_', '__' or '-'");
            }
        }
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid image reference \"" + text + "\": " + why);
    }

    /** {@code docker.io/library/busybox}: the repository, without tag or digest. */
    public String name() {
        return domain + "/" + path;
    }

    /** Tag or digest as the registry API wants it in {@code /v2/<path>/manifests/<ref>}. */
    public String apiReference() {
        return digest != null ? digest.toString() : tag;
    }

    /** The host to talk to: Docker Hub's API lives on a different host than its name. */
    public String registryHost() {
        return domain.equals(DOCKER_HUB) ? "registry-1.docker.io" : domain;
    }

    public Reference withTag(String newTag) {
        return new Reference(domain, path, newTag, null);
    }

    public Reference withDigest(Digest d) {
        return new Reference(domain, path, tag, d);
    }

    /** The short form users type and {@code docker images} shows: {@code busybox:latest}. */
    public String familiar() {
        String n = name();
        if (domain.equals(DOCKER_HUB)) {
            n = path.startsWith("library/") ? path.substring("library/".length()) : path;
        }
        return n + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    @Override
    public String toString() {
        return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
