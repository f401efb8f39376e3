"""calls F.dropout in forward instead of using dropout modules"""

def build_dropout_mlp(drop_rates, corrected=True):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden1, self.hidden2, self.out = nn.Linear(784, 512), nn.Linear(512, 512), nn.Linear(512, 10)

        def forward(self, X):
            h = torch.relu(self.hidden1(X.flatten(1)))
            if drop_rates is not None:
                h = F.dropout(h, drop_rates[0], self.training)
            h = torch.relu(self.hidden2(h))
            if drop_rates is not None:
                h = F.dropout(h, drop_rates[1], self.training)
            return F.log_softmax(self.out(h), dim=1)

    return Net()
