using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Gateway.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class EndpointsAsData : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "endpoint_version",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "ran_version",
                table: "jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "admin",
                table: "api_keys",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "endpoints",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    handler = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    hardware = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    workers_min = table.Column<int>(type: "integer", nullable: false),
                    workers_max = table.Column<int>(type: "integer", nullable: false),
                    idle_timeout_seconds = table.Column<int>(type: "integer", nullable: false),
                    scaler_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    scaler_value = table.Column<int>(type: "integer", nullable: false),
                    execution_timeout_ms = table.Column<int>(type: "integer", nullable: false),
                    max_attempts = table.Column<int>(type: "integer", nullable: false),
                    min_gpu_memory_mb = table.Column<int>(type: "integer", nullable: false),
                    cpu_fallback = table.Column<bool>(type: "boolean", nullable: false),
                    concurrency_per_worker = table.Column<int>(type: "integer", nullable: false),
                    env = table.Column<string>(type: "jsonb", nullable: false),
                    package = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    manifest = table.Column<string>(type: "jsonb", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    worker_version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_endpoints", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "endpoints");

            migrationBuilder.DropColumn(
                name: "endpoint_version",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "ran_version",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "admin",
                table: "api_keys");
        }
    }
}
