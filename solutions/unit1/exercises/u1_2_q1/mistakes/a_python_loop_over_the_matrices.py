"""a Python loop over the matrices"""

def batch_matrix_stats(X):
    eig = torch.stack([torch.linalg.eigvals(m) for m in X])
    fro = torch.stack([torch.linalg.matrix_norm(m) for m in X])
    return {'eigvals': eig, 'fro': fro, 'euclid': torch.linalg.vector_norm(X),
            'inf': torch.linalg.matrix_norm(X.permute(2, 0, 1), ord=math.inf)}
