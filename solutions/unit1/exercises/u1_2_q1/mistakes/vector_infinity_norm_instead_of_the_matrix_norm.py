"""vector infinity norm instead of the matrix norm"""

def batch_matrix_stats(X):
    return {
        'eigvals': torch.linalg.eigvals(X),
        'fro': torch.linalg.matrix_norm(X),
        'euclid': torch.linalg.vector_norm(X),
        'inf': torch.stack([X[:, :, j].abs().max() for j in range(2)]),
    }
