using System.Security.Cryptography;
using Fleet.Gateway.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Gateway.Auth;

/// <summary>
/// <c>Fleet.Gateway keys create|list|revoke</c>: API keys, managed from the command line against the
/// gateway's database (same configuration as the gateway). A key is printed once, at creation.
/// </summary>
public static class ApiKeyCommands
{
    private const string Usage = """
        usage: Fleet.Gateway keys create --name NAME [--endpoints a,b] [--read-only | --admin] [--save FILE]
               Fleet.Gateway keys list
               Fleet.Gateway keys revoke ID-OR-PREFIX
          --admin: the key may also manage endpoints and packages (/v1); not with --endpoints or --read-only
          --save FILE: write the key to FILE; if FILE already holds an active key, keep it (idempotent)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.AddFleetPersistence();
        using var host = builder.Build();
        await host.MigrateDatabaseAsync();
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FleetDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        return args switch
        {
            ["create", .. var rest] => await CreateAsync(db, rest),
            ["list"] => await ListAsync(db),
            ["revoke", var which] => await RevokeAsync(db, which),
            _ => Fail(Usage),
        };
    }

    private static async Task<int> CreateAsync(FleetDbContext db, string[] args)
    {
        string? name = null, save = null;
        string[]? endpoints = null;
        var readOnly = false;
        var admin = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--name" when i + 1 < args.Length: name = args[++i]; break;
                case "--endpoints" when i + 1 < args.Length: endpoints = args[++i].Split(',',
                    StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--read-only": readOnly = true; break;
                case "--admin": admin = true; break;
                case "--save" when i + 1 < args.Length: save = args[++i]; break;
                default: return Fail($"unknown argument '{args[i]}'\n{Usage}");
            }
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return Fail(Usage);
        }

        // An admin key changes what every endpoint runs: narrowing its jobs to some endpoints, or its
        // jobs to reads, would promise a limit it does not have.
        if (admin && (readOnly || endpoints is not null))
        {
            return Fail($"--admin may not be combined with --endpoints or --read-only\n{Usage}");
        }

        if (save is not null && File.Exists(save))
        {
            var existing = ApiKeyVerifier.Digest((await File.ReadAllTextAsync(save)).Trim());
            if (await db.ApiKeys.AnyAsync(k => k.KeyHash == existing && k.RevokedAt == null && k.Admin == admin))
            {
                Console.WriteLine($"{save} already holds an active key with these rights; kept");
                return 0;
            }
        }

        var key = "fleet_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var record = new ApiKeyRecord
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            KeyHash = ApiKeyVerifier.Digest(key),
            Prefix = key[..12],
            Endpoints = endpoints,
            ReadOnly = readOnly,
            Admin = admin,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.ApiKeys.Add(record);
        await db.SaveChangesAsync();
        if (save is not null)
        {
            await File.WriteAllTextAsync(save, key);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(save, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            Console.WriteLine($"key {record.Id} ({record.Prefix}…) written to {save}");
        }
        else
        {
            Console.WriteLine($"id   {record.Id}");
            Console.WriteLine($"key  {key}");
            Console.WriteLine("The key is shown only now; only its SHA-256 digest is stored.");
        }

        return 0;
    }

    private static async Task<int> ListAsync(FleetDbContext db)
    {
        Console.WriteLine($"{"id",-36}  {"name",-20}  {"prefix",-12}  {"endpoints",-20}  {"access",-10}  {"created",-20}  revoked");
        foreach (var k in await db.ApiKeys.OrderBy(k => k.CreatedAt).ToListAsync())
        {
            var endpoints = k.Endpoints is null ? "all" : string.Join(',', k.Endpoints);
            var revoked = k.RevokedAt?.ToString("yyyy-MM-dd HH:mm:ss") ?? "-";
            Console.WriteLine($"{k.Id,-36}  {k.Name,-20}  {k.Prefix,-12}  {endpoints,-20}  " +
                $"{(k.Admin ? "admin" : k.ReadOnly ? "read-only" : "full"),-10}  {k.CreatedAt:yyyy-MM-dd HH:mm:ss}  {revoked}");
        }

        return 0;
    }

    private static async Task<int> RevokeAsync(FleetDbContext db, string which)
    {
        var matches = await db.ApiKeys
            .Where(k => k.RevokedAt == null && (k.Id.ToString() == which || k.Prefix.StartsWith(which)))
            .ToListAsync();
        if (matches.Count != 1)
        {
            return Fail(matches.Count == 0 ? $"no active key matches '{which}'"
                : $"'{which}' matches {matches.Count} keys; give more of it");
        }

        matches[0].RevokedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
        Console.WriteLine($"revoked {matches[0].Id} ({matches[0].Name}); gateways refuse it within a few seconds");
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
