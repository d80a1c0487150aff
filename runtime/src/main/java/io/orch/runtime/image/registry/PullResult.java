package io.orch.runtime.image.registry;

import io.orch.runtime.image.Digest;
import io.orch.runtime.image.Image;

/**
 * A finished pull: the image as stored, the manifest digest the reference resolved to, and
 * whether anything was downloaded (false: the store already had it).
 */
public record PullResult(Image image, Digest manifestDigest, boolean downloaded) {}
