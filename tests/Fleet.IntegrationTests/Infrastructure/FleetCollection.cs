namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>Every integration test shares one fleet and runs one at a time (some stop RabbitMQ).</summary>
[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<FleetFixture>
{
    public const string Name = "fleet";
}
