package dev.vessel.image.registry;

import java.io.IOException;
import java.util.Set;

/**
 * Where registry connections come from: credentials from a Docker config.json, and the set of
 * registries the user allowed to be reached over plain HTTP ({@code --insecure-registry} or
 * {@code --tls-verify=false}). Nothing is insecure unless listed.
 */
public final class Registries {
    private final DockerConfig config;
    private final Set<String> insecure;

    public Registries(DockerConfig config, Set<String> insecure) {
        this.config = config;
        this.insecure = Set.copyOf(insecure);
    }

    public RegistryClient client(String host) throws IOException {
        return new RegistryClient(new RegistryTransport(host, insecure.contains(host), config.lookup(host)));
    }

    /** {@code vessel login}: checks the credentials against the registry, then stores them. */
    public void login(String host, Credential credential) throws IOException {
        new RegistryClient(new RegistryTransport(host, insecure.contains(host), java.util.Optional.of(credential))).ping();
        config.store(host, credential);
    }

    public boolean logout(String host) throws IOException {
        return config.remove(host);
    }
}
