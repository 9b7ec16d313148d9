using System.ComponentModel.DataAnnotations;
using Fleet.Contracts.Jobs.Matmul;
using Fleet.Contracts.Jobs.Mlp;
using Fleet.Contracts.Jobs.Vector;
using Xunit;

namespace Fleet.Gpu.Tests.Handlers;

/// <summary>What the gateway refuses before a job is queued, from the attributes on the input records.</summary>
public sealed class HandlerInputValidationTests
{
    [Fact]
    public void Vector_op_must_be_one_of_the_three()
    {
        Assert.Equal([nameof(VectorInput.Op)], Invalid(new VectorInput { Op = "max", X = [1] }));
        Assert.Equal([nameof(VectorInput.Op)], Invalid(new VectorInput { X = [1] }));
        Assert.Empty(Invalid(new VectorInput { Op = VectorOps.Sum, X = [1] }));
    }

    [Fact]
    public void Base64_fields_must_be_base64()
    {
        Assert.Equal([nameof(VectorInput.XBase64)], Invalid(new VectorInput { Op = VectorOps.Sum, XBase64 = "not base64!" }));
        Assert.Equal([nameof(MlpInput.InputsBase64)], Invalid(new MlpInput { InputsBase64 = "%%" }));
    }

    [Fact]
    public void A_matrix_shape_has_two_numbers()
    {
        Assert.Equal([nameof(MatmulInput.AShape)], Invalid(new MatmulInput { ABase64 = "AAAAAA==", AShape = [1, 1, 1], B = [[1]] }));
    }

    private static string[] Invalid(object input)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true);
        return [.. results.SelectMany(r => r.MemberNames)];
    }
}
