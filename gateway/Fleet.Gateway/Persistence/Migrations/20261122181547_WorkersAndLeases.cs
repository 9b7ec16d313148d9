using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Gateway.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class WorkersAndLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "lease_expires_at",
                table: "jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "lease_losses",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "workers",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    hardware = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    device = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    endpoints = table.Column<string[]>(type: "text[]", nullable: false),
                    capacity = table.Column<int>(type: "integer", nullable: false),
                    running = table.Column<int>(type: "integer", nullable: false),
                    idle_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    gpu_memory_total_mb = table.Column<long>(type: "bigint", nullable: true),
                    gpu_memory_free_mb = table.Column<long>(type: "bigint", nullable: true),
                    stopping = table.Column<bool>(type: "boolean", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_workers", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_running_lease",
                table: "jobs",
                column: "lease_expires_at",
                filter: "status = 'IN_PROGRESS'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "workers");

            migrationBuilder.DropIndex(
                name: "IX_jobs_running_lease",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "lease_expires_at",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "lease_losses",
                table: "jobs");
        }
    }
}
