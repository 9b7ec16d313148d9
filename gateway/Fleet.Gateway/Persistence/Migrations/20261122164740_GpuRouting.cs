using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Gateway.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class GpuRouting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "queue",
                table: "jobs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200);

            migrationBuilder.AddColumn<int>(
                name: "min_gpu_memory_mb",
                table: "jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "prefer_gpu",
                table: "jobs",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "routing",
                table: "jobs",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "min_gpu_memory_mb",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "prefer_gpu",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "routing",
                table: "jobs");

            migrationBuilder.AlterColumn<string>(
                name: "queue",
                table: "jobs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200,
                oldNullable: true);
        }
    }
}
