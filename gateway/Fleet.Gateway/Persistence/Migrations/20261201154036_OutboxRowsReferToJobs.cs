using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Gateway.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OutboxRowsReferToJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "body",
                table: "outbox_messages",
                type: "json",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "json");

            migrationBuilder.AddColumn<int>(
                name: "attempt",
                table: "outbox_messages",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "job_id",
                table: "outbox_messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddCheckConstraint(
                name: "CK_outbox_messages_body_or_job",
                table: "outbox_messages",
                sql: "(body IS NULL) <> (job_id IS NULL)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "CK_outbox_messages_body_or_job",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "attempt",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "job_id",
                table: "outbox_messages");

            migrationBuilder.AlterColumn<string>(
                name: "body",
                table: "outbox_messages",
                type: "json",
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "json",
                oldNullable: true);
        }
    }
}
