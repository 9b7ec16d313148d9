using Fleet.Gateway.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Gateway.Persistence;

/// <summary>The gateway's database. Only the gateway writes these tables.</summary>
public sealed class FleetDbContext(DbContextOptions<FleetDbContext> options) : DbContext(options)
{
    public DbSet<JobRecord> Jobs => Set<JobRecord>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    public DbSet<JobStreamChunk> JobStreamChunks => Set<JobStreamChunk>();

    public DbSet<WorkerRecord> Workers => Set<WorkerRecord>();

    public DbSet<EndpointRecord> Endpoints => Set<EndpointRecord>();

    public DbSet<PackageRecord> Packages => Set<PackageRecord>();

    public DbSet<PackageChunkRecord> PackageChunks => Set<PackageChunkRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<JobRecord>(job =>
        {
            job.ToTable("jobs");
            job.HasKey(j => j.Id);
            job.Property(j => j.Id).ValueGeneratedNever();
            job.Property(j => j.EndpointId).HasMaxLength(64);
            job.Property(j => j.Status).HasConversion(s => JobStatusWire.ToWire(s), s => JobStatusWire.Parse(s)).HasMaxLength(16);
            // json, not jsonb: kept byte for byte (key order included) and never queried inside.
            job.Property(j => j.Input).HasColumnType("json");
            job.Property(j => j.Output).HasColumnType("json");
            job.Property(j => j.Queue).HasMaxLength(200);
            job.Property(j => j.Routing).HasMaxLength(300);
            job.Property(j => j.WorkerId).HasMaxLength(200);
            job.Property(j => j.Device).HasMaxLength(32);
            // Health counts, purge and the autoscaler's queue figures all filter by endpoint and status.
            job.HasIndex(j => new { j.EndpointId, j.Status });
            job.Property(j => j.IdempotencyKey).HasMaxLength(64);
            job.HasIndex(j => j.IdempotencyKey).IsUnique().HasFilter("idempotency_key IS NOT NULL");
            // The TTL sweep and the release of waiting jobs look only at queued jobs, oldest first.
            job.HasIndex(j => j.CreatedAt).HasFilter("status = 'IN_QUEUE'").HasDatabaseName("IX_jobs_queued_created_at");
            // The lease reaper looks only at running jobs.
            job.HasIndex(j => j.LeaseExpiresAt).HasFilter("status = 'IN_PROGRESS'").HasDatabaseName("IX_jobs_running_lease");
        });

        modelBuilder.Entity<EndpointRecord>(endpoint =>
        {
            endpoint.ToTable("endpoints");
            endpoint.HasKey(e => e.Id);
            endpoint.Property(e => e.Id).HasMaxLength(64);
            endpoint.Property(e => e.Handler).HasMaxLength(64);
            endpoint.Property(e => e.Hardware).HasMaxLength(8);
            endpoint.Property(e => e.ScalerType).HasMaxLength(16);
            endpoint.Property(e => e.Env).HasColumnType("jsonb");
            endpoint.Property(e => e.Package).HasMaxLength(64);
            endpoint.Property(e => e.Manifest).HasColumnType("jsonb");
        });

        modelBuilder.Entity<PackageRecord>(package =>
        {
            package.ToTable("packages");
            package.HasKey(p => p.Sha256);
            package.Property(p => p.Sha256).HasMaxLength(64);
        });

        modelBuilder.Entity<PackageChunkRecord>(chunk =>
        {
            chunk.ToTable("package_chunks");
            chunk.HasKey(c => new { c.Sha256, c.Index });
            chunk.Property(c => c.Sha256).HasMaxLength(64);
            chunk.HasOne<PackageRecord>().WithMany().HasForeignKey(c => c.Sha256).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<OutboxMessage>(message =>
        {
            // A RunJob row refers to its job (no copy of the input), any other row holds its body; see OutboxMessage.JobId.
            message.ToTable("outbox_messages", t => t.HasCheckConstraint("CK_outbox_messages_body_or_job",
                "(body IS NULL) <> (job_id IS NULL)"));
            message.HasKey(m => m.Id);
            message.Property(m => m.Id).ValueGeneratedNever();
            message.Property(m => m.Destination).HasMaxLength(200);
            message.Property(m => m.MessageType).HasMaxLength(200);
            message.Property(m => m.Body).HasColumnType("json");
            message.HasIndex(m => m.CreatedAt);

        });

        modelBuilder.Entity<WebhookDelivery>(delivery =>
        {
            delivery.ToTable("webhook_deliveries");
            delivery.HasKey(d => d.Id);
            delivery.Property(d => d.Id).ValueGeneratedNever();
            delivery.Property(d => d.State).HasMaxLength(16);
            delivery.Property(d => d.AttemptLog).HasColumnType("jsonb");
            delivery.HasIndex(d => d.JobId);
            // The sender looks only at pending deliveries that are due.
            delivery.HasIndex(d => d.NextAttemptAt).HasFilter("state = 'pending'").HasDatabaseName("IX_webhook_deliveries_due");
        });

        modelBuilder.Entity<ApiKeyRecord>(key =>
        {
            key.ToTable("api_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).ValueGeneratedNever();
            key.Property(k => k.Name).HasMaxLength(100);
            key.Property(k => k.Prefix).HasMaxLength(16);
            key.HasIndex(k => k.KeyHash).IsUnique();
        });

        modelBuilder.Entity<JobStreamChunk>(chunk =>
        {
            chunk.ToTable("job_stream_chunks");
            chunk.HasKey(c => new { c.JobId, c.Attempt, c.Sequence });
            chunk.Property(c => c.Chunk).HasColumnType("json");
        });

        modelBuilder.Entity<WorkerRecord>(worker =>
        {
            worker.ToTable("workers");
            worker.HasKey(w => w.Id);
            worker.Property(w => w.Id).HasMaxLength(200);
            worker.Property(w => w.Hardware).HasMaxLength(8);
            worker.Property(w => w.Device).HasMaxLength(32);
        });

        // snake_case names, so the hand-written set-based SQL of the hot paths reads naturally.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(
            c).ToString()));
}
