"""forgets the target transform"""

class FashionMNISTDataset(torch.utils.data.Dataset):
    def __init__(self, labels_file, dir, transform=None, target_transform=None):
        self.dir, self.transform, self.target_transform = dir, transform, target_transform
        lines = open(labels_file).read().split()
        if lines and lines[0].startswith('filename'):
            lines = lines[1:]
        self.rows = [(line.split(',')[0], int(line.split(',')[1])) for line in lines]
    def __len__(self):
        return len(self.rows)
    def __getitem__(self, idx):
        if not 0 <= idx < len(self.rows):
            raise IndexError(idx)
        name, label = self.rows[idx]
        path = os.path.join(self.dir, name)
        if not os.path.exists(path):
            raise FileNotFoundError(path)
        image = torchvision.io.read_image(path)
        if self.transform:
            image = self.transform(image)
        return image, label
