package io.orch.agent.api;

/** Every route of the API, per resource. */
final class ApiRoutes {
    private ApiRoutes() {}

    static Router build(ApiContext context) {
        Router router = new Router();
        new SystemRoutes(context, HostFacts.detect()).register(router);
        new SwarmRoutes(context).register(router);
        new NodeRoutes(context).register(router);
        new ServiceRoutes(context).register(router);
        new TaskRoutes(context).register(router);
        new FileObjectRoutes<>(context, FileObjectKind.SECRETS).register(router);
        new FileObjectRoutes<>(context, FileObjectKind.CONFIGS).register(router);
        new NetworkRoutes(context).register(router);
        new ImageRoutes(context).register(router);
        new AuthRoutes(context.services().registries()).register(router);
        new ImageInspectRoutes(context.services().imageStore()).register(router);
        new LogRoutes(context).register(router);
        new EventRoutes(context).register(router);
        new ClientCertificateRoutes(context).register(router);
        new ContainerRoutes(context.services().containers(), HostFacts.detect().hostname()).register(router);
        return StaleReadGate.around(router, context.store());
    }
}
