using Fleet.Gateway.Reports;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.Gateway;

public sealed class ReportTokensTests
{
    private static readonly Guid s_job = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");

    private static ReportTokens Tokens(string key = "a-report-key-of-at-least-32-chars!") =>
        new(Options.Create(new ReportOptions { Key = key }));

    [Fact]
    public void A_token_is_valid_for_its_own_job_and_attempt_on_every_gateway_with_the_key()
    {
        var token = Tokens().For(s_job, 2);

        Assert.True(Tokens().IsValid(s_job, 2, token));
        Assert.Equal(43, token.Length); // 32 bytes, base64url without padding
        Assert.DoesNotContain('=', token);
    }

    [Fact]
    public void A_token_is_not_valid_for_another_attempt_or_another_job()
    {
        var tokens = Tokens();
        var token = tokens.For(s_job, 1);

        Assert.False(tokens.IsValid(s_job, 2, token));
        Assert.False(tokens.IsValid(Guid.CreateVersion7(), 1, token));
    }

    [Fact]
    public void A_token_made_with_another_key_is_refused()
    {
        var forged = Tokens("another-key-that-is-also-32-chars-long").For(s_job, 1);

        Assert.False(Tokens().IsValid(s_job, 1, forged));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64url at all!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Missing_or_malformed_tokens_are_refused(string? token) => Assert.False(Tokens().IsValid(s_job, 1, token));

    [Fact]
    public void A_truncated_or_extended_token_is_refused()
    {
        var tokens = Tokens();
        var token = tokens.For(s_job, 1);

        Assert.False(tokens.IsValid(s_job, 1, token[..^1]));
        Assert.False(tokens.IsValid(s_job, 1, token + "A"));
        Assert.False(tokens.IsValid(s_job, 1, token + "AAAA"));
    }
}
