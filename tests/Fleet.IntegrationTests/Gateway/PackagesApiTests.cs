using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;
using Fleet.Contracts.Functions;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>
/// Packages in the real gateway and database: uploaded streamed and checked against their name and the size
/// limit (nothing stored otherwise), downloaded by admin keys and by worker hosts with a package signature.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class PackagesApiTests(FleetFixture fleet)
{
    [Fact]
    public async Task A_package_is_stored_once_under_its_hash_and_reads_back_byte_for_byte()
    {
        // Several chunks and a partial last one: the store writes and reads 1 MiB at a time.
        var bytes = RandomNumberGenerator.GetBytes(2 * 1024 * 1024 + 12345);
        var sha = Sha(bytes);

        using var first = await UploadAsync(fleet.Api, sha, bytes);
        using var again = await UploadAsync(fleet.Api, sha, bytes);
        using var download = await fleet.Api.GetAsync($"v1/packages/{sha}");
        using var head = await fleet.Api.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v1/packages/{sha}"));
        using var list = await fleet.Api.GetAsync("v1/packages");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("created", (await JsonAsync(first)).GetProperty("result").GetString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("unchanged", (await JsonAsync(again)).GetProperty("result").GetString());
        Assert.Equal("application/zip", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);
        Assert.Contains((await JsonAsync(list)).EnumerateArray(), p => p.GetProperty("sha256").GetString() == sha);
        Assert.Equal([1L], await fleet.QueryAsync<long>("SELECT count(*) FROM packages WHERE sha256 = $1", sha));
    }

    [Fact]
    public async Task Bytes_that_do_not_hash_to_their_name_are_a_400_and_nothing_is_stored()
    {
        var bytes = RandomNumberGenerator.GetBytes(5000);
        var other = Sha(RandomNumberGenerator.GetBytes(10));

        using var response = await UploadAsync(fleet.Api, other, bytes);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await JsonAsync(response)).GetProperty("errors").TryGetProperty("sha256", out _));
        Assert.Equal([0L], await fleet.QueryAsync<long>("SELECT count(*) FROM packages WHERE sha256 = $1", other));
        Assert.Equal([0L], await fleet.QueryAsync<long>("SELECT count(*) FROM package_chunks WHERE sha256 = $1", other));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_package_past_the_limit_is_a_413_declared_or_streamed_and_nothing_is_stored(bool declareLength)
    {
        var (gateway, client) = fleet.StartExtraGateway(("Packages__MaxBytes", "65536"));
        using (gateway)
        using (client)
        {
            await FleetFixture.WaitUntilServingAsync(client, gateway);
            var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
            var sha = Sha(bytes);

            using var response = await UploadAsync(client, sha, bytes, declareLength);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal([0L], await fleet.QueryAsync<long>("SELECT count(*) FROM package_chunks WHERE sha256 = $1", sha));
            var small = RandomNumberGenerator.GetBytes(60_000);
            using var fits = await UploadAsync(client, Sha(small), small, declareLength);
            Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
        }
    }

    [Fact]
    public async Task Only_admin_keys_upload_and_workers_download_with_the_packages_signature()
    {
        var bytes = RandomNumberGenerator.GetBytes(4096);
        var sha = Sha(bytes);
        var (_, job) = await fleet.CreateKeyAsync();
        using var jobClient = fleet.ClientFor(job);
        using var anonymous = fleet.ClientFor(null);
        await Eventually.True(async () => (await jobClient.PostAsync("v2/echo/run", FleetFixture.Json("""{"input": {}}"""))).IsSuccessStatusCode,
            TimeSpan.FromSeconds(15), () => "job key not loaded");

        using var byJob = await UploadAsync(jobClient, sha, bytes);
        using var byNobody = await UploadAsync(anonymous, sha, bytes);
        using var byAdmin = await UploadAsync(fleet.Api, sha, bytes);
        using var signed = await DownloadAsync(anonymous, sha, PackageSignature.Sign(sha, fleet.WorkerKey));
        using var badlySigned = await DownloadAsync(anonymous, sha, PackageSignature.Sign(sha, "not-the-workers-key-at-all"));
        using var signedForAnother = await DownloadAsync(anonymous, sha, PackageSignature.Sign(Sha([1]), fleet.WorkerKey));
        using var jobDownload = await DownloadAsync(jobClient, sha, null);

        Assert.Equal(HttpStatusCode.Forbidden, byJob.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, byNobody.StatusCode);
        Assert.Equal(HttpStatusCode.Created, byAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(bytes, await signed.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, badlySigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signedForAnother.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, jobDownload.StatusCode);
    }

    [Fact]
    public async Task An_endpoint_may_run_only_an_uploaded_package_and_a_package_in_use_is_not_deleted()
    {
        var bytes = RandomNumberGenerator.GetBytes(2048);
        var sha = Sha(bytes);
        var name = "it-pkg-" + Guid.NewGuid().ToString("N")[..8];
        var body = FleetFixture.Json($$"""{"handler": "summarize", "package": "{{sha}}"}""");

        using var before = await fleet.Api.PutAsync($"v1/endpoints/{name}", body);
        using var uploaded = await UploadAsync(fleet.Api, sha, bytes);
        using var after = await fleet.Api.PutAsync($"v1/endpoints/{name}", FleetFixture.Json($$"""{"handler": "summarize", "package": "{{sha}}"}"""));
        using var inUse = await fleet.Api.DeleteAsync($"v1/packages/{sha}");
        using var endpointDeleted = await fleet.Api.DeleteAsync($"v1/endpoints/{name}");
        using var unused = await fleet.Api.DeleteAsync($"v1/packages/{sha}");
        using var gone = await fleet.Api.GetAsync($"v1/packages/{sha}");

        Assert.Equal(HttpStatusCode.BadRequest, before.StatusCode);
        Assert.True((await JsonAsync(before)).GetProperty("errors").TryGetProperty("package", out _));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(sha, (await JsonAsync(after)).GetProperty("package").GetString());
        Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, endpointDeleted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal([0L], await fleet.QueryAsync<long>("SELECT count(*) FROM package_chunks WHERE sha256 = $1", sha));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public async Task A_name_that_is_not_a_sha256_is_a_400(string name)
    {
        using var response = await UploadAsync(fleet.Api, name, [1, 2, 3]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await JsonAsync(response)).GetProperty("errors").TryGetProperty("sha256", out _));
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string sha, byte[] bytes, bool declareLength = true)
    {
        HttpContent content = declareLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/packages/{sha}") { Content = content };
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> DownloadAsync(HttpClient client, string sha, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/packages/{sha}");
        if (signature is not null)
        {
            request.Headers.Add(PackageSignature.Header, signature);
        }

        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>A stream that does not tell its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
