package io.orch.cli.commands;

import picocli.CommandLine.Command;

/** {@code orch image}: this node's image store (node-local, like {@code docker image} on one engine). */
@Command(name = "image", description = "Manage images on this node.", subcommands = {
        ImageLoadCommand.class, ImagePullCommand.class, ImageLsCommand.class, ImageRmCommand.class})
public final class ImageCommand extends GroupCommand {}
