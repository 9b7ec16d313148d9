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

        Assert.Equal(bearer.KeyId, raw.KeyId);
        Assert.NotEqual(bearer.KeyId, other.KeyId);
        Assert.DoesNotContain("key-one", bearer.KeyId, StringComparison.Ordinal);
        Assert.False(bearer.ReadOnly);
        Assert.Null(bearer.Endpoints);
    }

    [Fact]
    public void A_stored_key_carries_its_limits_and_stops_working_once_no_longer_loaded()
    {
        var digest = Convert.ToHexString(ApiKeyVerifier.Digest("stored-key"));
        _verifier.Load(new Dictionary<string, ApiKeyGrant> { [digest] = new(digest[..16], new HashSet<string> { "echo" }, ReadOnly: true) });

        Assert.True(_verifier.TryVerify("Bearer stored-key", out var grant));
        Assert.True(grant.ReadOnly);
        Assert.True(grant.MayUse("echo"));
        Assert.False(grant.MayUse("mlp"));

        _verifier.Load(new Dictionary<string, ApiKeyGrant>());
        Assert.False(_verifier.TryVerify("Bearer stored-key", out _));
    }
}
