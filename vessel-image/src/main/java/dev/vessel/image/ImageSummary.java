package dev.vessel.image;

import java.util.List;

/** One row of {@code vessel image ls}: names in familiar form ({@code busybox:latest}). */
public record ImageSummary(List<String> names, String id, String manifestDigest, String created, long size) {
}
