package dev.vessel.image.registry;

import java.io.IOException;
import java.util.Set;

/**
 * Where registry connections come from: credentials from a Docker config.json, the CAs to
 * trust, and the set of registries the user allowed to be reached without verifying their
 * certificate, or over plain HTTP if they do not speak TLS ({@code --insecure-registry} or
 * {@code --tls-verify=false}). Nothing is insecure unless listed.
 */
public final class Registries {
    private final DockerConfig config;
    private final Set<String> insecure;
    private final RegistryTrust trust;

    public Registries(DockerConfig config, Set<String> insecure) {
        this(config, insecure, RegistryTrust.system());
    }

    public Registries(DockerConfig config, Set<String> insecure, RegistryTrust trust) {
        this.config = config;
        this.insecure = Set.copyOf(insecure);
        this.trust = trust;
    }

    public RegistryClient client(String host) throws IOException {
        return new RegistryClient(new RegistryTransport(host, insecure.contains(host), config.lookup(host), trust));
    }

    /** {@code vessel login}: checks the credentials against the registry, then stores them. */
    public void login(String host, Credential credential) throws IOException {
        new RegistryClient(new RegistryTransport(host, insecure.contains(host), java.util.Optional.of(credential), trust)).ping();
        config.store(host, credential);
    }

    public boolean logout(String host) throws IOException {
        return config.remove(host);
    }
}
