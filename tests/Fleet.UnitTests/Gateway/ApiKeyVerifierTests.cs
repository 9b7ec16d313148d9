using Fleet.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.Gateway;

public sealed class ApiKeyVerifierTests
{
    private readonly ApiKeyVerifier _verifier = new(Options.Create(new AuthOptions { ApiKeys = ["key-one", "key-two"] }));

    [Theory]
    [InlineData("Bearer key-one")]
    [InlineData("bearer key-two")]
    [InlineData("key-one")]
    public void Accepts_a_known_key_in_either_header_form(string header) => Assert.True(_verifier.IsValid(header));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer ")]
    [InlineData("Bearer key-three")]
    [InlineData("key-on")]
    [InlineData("Basic a2V5LW9uZQ==")]
    public void Refuses_a_missing_or_unknown_key(string? header) => Assert.False(_verifier.IsValid(header));
}
