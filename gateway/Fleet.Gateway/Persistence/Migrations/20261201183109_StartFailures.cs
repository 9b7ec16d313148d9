using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Gateway.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class StartFailures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "start_error",
                table: "endpoints",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "start_failed_at",
                table: "endpoints",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "start_failures",
                table: "endpoints",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "start_failures_version",
                table: "endpoints",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "start_tripped",
                table: "endpoints",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "start_error",
                table: "endpoints");

            migrationBuilder.DropColumn(
                name: "start_failed_at",
                table: "endpoints");

            migrationBuilder.DropColumn(
                name: "start_failures",
                table: "endpoints");

            migrationBuilder.DropColumn(
                name: "start_failures_version",
                table: "endpoints");

            migrationBuilder.DropColumn(
                name: "start_tripped",
                table: "endpoints");
        }
    }
}
