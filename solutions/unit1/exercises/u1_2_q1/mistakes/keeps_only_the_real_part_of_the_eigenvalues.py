"""keeps only the real part of the eigenvalues"""

def batch_matrix_stats(X):
    return {
        'eigvals': torch.linalg.eigvals(X).real,
        'fro': torch.linalg.matrix_norm(X),
        'euclid': torch.linalg.vector_norm(X),
        'inf': torch.linalg.matrix_norm(X.permute(2, 0, 1), ord=math.inf),
    }
