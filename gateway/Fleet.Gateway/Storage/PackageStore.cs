using System.Buffers;
using System.Security.Cryptography;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>
/// The only code that writes <c>packages</c> and <c>package_chunks</c>. A package is streamed in and out a
/// chunk at a time (<see cref="ChunkBytes"/>): an upload hashes as it goes and commits only if the bytes
/// match the name they were sent under and stay within the limit, so a package in the table is always whole
/// and what its name says. Uploads of one name are serialized by an advisory lock on it (a second one finds
/// the first's package and stores nothing).
/// </summary>
public sealed class PackageStore(NpgsqlDataSource database, TimeProvider time)
{
    /// <summary>The size of each stored chunk: large enough for few rows, small enough to hold one at a time.</summary>
    public const int ChunkBytes = 1024 * 1024;

    public async Task<StoredPackage?> FindAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT sha256, size, created_at FROM packages WHERE sha256 = $1").Value(sha256);
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Every package, newest first, with the endpoints that run it.</summary>
    public async Task<List<StoredPackage>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT sha256, size, created_at FROM packages ORDER BY created_at DESC");
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>
    /// Stores the package read from <paramref name="body"/> under <paramref name="sha256"/>: <c>Exists</c> if it is
    /// there already (the body is not read), <c>TooLarge</c> past <paramref name="limit"/> bytes, <c>Mismatch</c> if
    /// the bytes hash to another name; nothing is stored unless it is <c>Stored</c>.
    /// </summary>
    public async Task<(PackageUpload Result, string? ActualSha256)> UploadAsync(
        string sha256, Stream body, long limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockName = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction)
            .Value("package:" + sha256))
        {
            await lockName.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM packages WHERE sha256 = $1", connection, transaction).Value(sha256))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return (PackageUpload.Exists, null);
            }
        }

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO packages (sha256, size, chunks, created_at) VALUES ($1, 0, 0, $2)", connection, transaction)
            .Value(sha256)
            .Value(time.GetUtcNow()))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long size = 0;
        var chunks = 0;
        try
        {
            while (true)
            {
                var filled = await body.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false,
                    cancellationToken);
                if (filled == 0)
                {
                    break;
                }

                size += filled;
                if (size > limit)
                {
                    return (PackageUpload.TooLarge, null);
                }

                hash.AppendData(buffer, 0, filled);
                await using var chunk = new NpgsqlCommand(
                    "INSERT INTO package_chunks (sha256, index, bytes) VALUES ($1, $2, $3)", connection, transaction)
                    .Value(sha256)
                    .Value(chunks++)
                    .Value(buffer.AsMemory(0, filled));
                await chunk.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != sha256)
        {
            return (PackageUpload.Mismatch, actual);
        }

        await using (var complete = new NpgsqlCommand(
            "UPDATE packages SET size = $2, chunks = $3 WHERE sha256 = $1", connection, transaction)
            .Value(sha256)
            .Value(size)
            .Value(chunks))
        {
            await complete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (PackageUpload.Stored, actual);
    }

    /// <summary>Writes the package's bytes to <paramref name="destination"/>, a chunk at a time, in order.</summary>
    public async Task CopyToAsync(string sha256, Stream destination, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT bytes FROM package_chunks WHERE sha256 = $1 ORDER BY index").Value(sha256);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            await using var chunk = await reader.GetStreamAsync(0, cancellationToken);
            await chunk.CopyToAsync(destination, cancellationToken);
        }
    }

    /// <summary>Deletes a package no endpoint runs; false if an endpoint still names it (or there is none).</summary>
    public async Task<bool> DeleteUnusedAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "DELETE FROM packages WHERE sha256 = $1 AND NOT EXISTS (SELECT 1 FROM endpoints WHERE package = $1)").Value(sha256);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<List<StoredPackage>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var packages = new List<StoredPackage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            packages.Add(new StoredPackage(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return packages;
    }
}
