using Fleet.Contracts;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>
/// The one style of Fleet's hand-written SQL: positional <c>$n</c> parameters, added in order with
/// these helpers, one line per parameter; an array parameter is one column of the rows, so a set-based
/// statement over <c>unnest(...)</c> reads as one line per column. Parameters are typed
/// (<see cref="NpgsqlParameter{T}"/>), so a null is typed too. Job status names are the one thing
/// written into the text itself (constants of <c>JobStatusNames</c>): the partial indexes on
/// <c>jobs</c> are defined by them, and the planner uses such an index only for a literal that matches.
/// </summary>
public static class Sql
{
    /// <summary>Adds the next parameter: one value.</summary>
    public static NpgsqlBatchCommand Value<T>(this NpgsqlBatchCommand command, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return command;
    }

    /// <summary>Adds the next parameter: an array of one column of <paramref name="rows"/>.</summary>
    public static NpgsqlBatchCommand Column<TRow, T>(this NpgsqlBatchCommand command, IEnumerable<TRow> rows, Func<TRow, T> column) =>
        command.Value(rows.Select(column).ToArray());

    /// <summary>Adds the next parameter: one value.</summary>
    public static NpgsqlCommand Value<T>(this NpgsqlCommand command, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return command;
    }

    /// <summary>Adds the next parameter: an array of one column of <paramref name="rows"/>.</summary>
    public static NpgsqlCommand Column<TRow, T>(this NpgsqlCommand command, IEnumerable<TRow> rows, Func<TRow, T> column) =>
        command.Value(rows.Select(column).ToArray());

    /// <summary>Adds <paramref name="command"/> to <paramref name="batch"/>, if there is a batch to run it in.</summary>
    public static NpgsqlBatch With(this NpgsqlBatch batch, NpgsqlBatchCommand? command)
    {
        if (command is not null)
        {
            batch.BatchCommands.Add(command);
        }

        return batch;
    }
}
