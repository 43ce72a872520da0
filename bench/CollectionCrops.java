import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;

/** N crops of each of two photos (different places and sizes), written as bird-i.png and cat-i.png. */
public class CollectionCrops {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[2]);
        String[] labels = {"bird", "cat"};
        for (int p = 0; p < 2; p++) {
            BufferedImage photo = ImageIO.read(new File(args[p]));
            for (int i = 0; i < n; i++) {
                double f = 0.6 + 0.4 * ((i * 37) % 11) / 10.0;
                int w = (int) (photo.getWidth() * f);
                int h = (int) (photo.getHeight() * f);
                int x = (int) ((photo.getWidth() - w) * ((i * 13) % 7) / 6.0);
                int y = (int) ((photo.getHeight() - h) * ((i * 29) % 5) / 4.0);
                BufferedImage crop = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                crop.createGraphics().drawImage(photo.getSubimage(x, y, w, h), 0, 0, null);
                ImageIO.write(crop, "png", new File(args[3], labels[p] + "-" + i + ".png"));
            }
        }
    }
}
