package io.orch.agent.net;

import io.orch.api.proto.NetworkMap;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Run as a JVM inside a network namespace (through nsenter) by {@link MeshWiringTest}: a thread
 * of the test JVM cannot enter one.
 * <ul>
 *   <li>{@code node MAPFILE NODEID VTEP}: a NodeNetworking following the map in MAPFILE (a
 *       serialized NetworkMap) as node NODEID; prints "ready"; on a "leave" line leaves the
 *       swarm and prints "left"; exits when stdin closes (a plain stop);</li>
 *   <li>{@code listen ADDR:PORT=REPLY}: answers each TCP connection with REPLY until stdin closes;</li>
 *   <li>{@code connect ADDR PORT TIMEOUT_MS COUNT}: one line per connection, the reply or "ERR ...".</li>
 * </ul>
 */
public final class MeshNodeProbe {
    public static void main(String[] args) throws Exception {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        switch (args[0]) {
            case "node" -> {
                NetworkMap map = NetworkMap.parseFrom(Files.readAllBytes(Path.of(args[1])));
                NodeNetworking n = new NodeNetworking(args[3], List.of(), new NodeNetworking.Containers() {
                    @Override
                    public boolean hasContainer(String taskId) {
                        return false;
                    }

                    @Override
                    public Optional<String> bridgeAddressOf(String taskId) {
                        return Optional.empty();
                    }
                });
                n.follow(listener -> {
                    listener.accept(map);
                    return () -> { };
                }, args[2]);
                System.out.println("ready");
                System.out.flush();
                for (String line; (line = stdin.readLine()) != null; ) {
                    if (line.equals("leave")) {
                        n.leaveSwarm();
                        System.out.println("left");
                        System.out.flush();
                    }
                }
                n.close();
                System.exit(0);
            }
            case "listen" -> {
                String[] hostPort = args[1].substring(0, args[1].indexOf('=')).split(":");
                byte[] reply = (args[1].substring(args[1].indexOf('=') + 1) + "\n").getBytes(StandardCharsets.UTF_8);
                ServerSocket server = new ServerSocket();
                server.bind(new InetSocketAddress(InetAddress.getByName(hostPort[0]), Integer.parseInt(hostPort[1])));
                Thread t = new Thread(() -> {
                    while (true) {
                        try (Socket s = server.accept()) {
                            s.getOutputStream().write(reply);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
                System.out.println("ready");
                System.out.flush();
                while (stdin.readLine() != null) {
                    // until the test closes our stdin
                }
                System.exit(0);
            }
            default -> {
                int timeout = Integer.parseInt(args[3]);
                for (int i = 0; i < Integer.parseInt(args[4]); i++) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])), timeout);
                        s.setSoTimeout(timeout);
                        System.out.println(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine());
                    } catch (Exception e) {
                        System.out.println("ERR " + e);
                    }
                }
            }
        }
    }
}
