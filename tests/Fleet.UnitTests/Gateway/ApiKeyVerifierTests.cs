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

    [Fact]
    public void Names_a_key_the_same_way_in_both_header_forms_and_apart_from_other_keys()
    {
        Assert.True(_verifier.TryVerify("Bearer key-one", out var bearer));
        Assert.True(_verifier.TryVerify("key-one", out var raw));
        Assert.True(_verifier.TryVerify("key-two", out var other));

        Assert.Equal(bearer, raw);
        Assert.NotEqual(bearer, other);
        Assert.DoesNotContain("key-one", bearer, StringComparison.Ordinal);
    }
}
