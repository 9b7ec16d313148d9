using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Gateway.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class JobProgress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "progress_at",
                table: "jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "progress_message",
                table: "jobs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "progress_percent",
                table: "jobs",
                type: "double precision",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "progress_at",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "progress_message",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "progress_percent",
                table: "jobs");
        }
    }
}
